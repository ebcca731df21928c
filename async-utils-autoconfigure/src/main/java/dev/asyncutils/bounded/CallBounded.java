package dev.asyncutils.bounded;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.core.ArgumentExpression;
import dev.asyncutils.core.Call;
import dev.asyncutils.core.MethodContext;
import dev.asyncutils.core.admission.Admission;
import dev.asyncutils.core.admission.FailedAdmission;
import dev.asyncutils.core.admission.Permit;

/**
 * The admission of one {@code @Bounded} method whose calls name a key: for each call it
 * evaluates the method's {@code key} (compiled once, at startup) and hands the invoker
 * the admission of that key's limit; a {@code null} key uses the instance's own. A call
 * whose key is new while {@code max-keys} keys are held is rejected.
 */
final class CallBounded implements Admission {

	private final BoundedLimiter limiter;

	private final ArgumentExpression key;

	private CallBounded(BoundedLimiter limiter, ArgumentExpression key) {
		this.limiter = limiter;
		this.key = key;
	}

	/**
	 * Return the admission of a method: the limiter's own when the method names no key.
	 * @param method the method
	 * @param annotation its annotation
	 * @param limiter the instance's limiter
	 * @return the admission
	 */
	static Admission of(MethodContext method, Bounded annotation, BoundedLimiter limiter) {
		if (annotation.key().isEmpty()) {
			return limiter.admission();
		}
		ArgumentExpression key = ArgumentExpression.compile(method, "@Bounded(key)", annotation.key());
		limiter.keyTimer(method.scheduler());
		limiter.markKeyed();
		return new CallBounded(limiter, key);
	}

	@Override
	public Admission forCall(Call call) {
		Object key = this.key.evaluate(call.arguments());
		if (key == null) {
			return this.limiter.admission();
		}
		BoundedLimiter limiter = this.limiter.keyed(key);
		if (limiter == null) {
			return new FailedAdmission(this.limiter.rejectForMaxKeys());
		}
		return limiter.admission();
	}

	@Override
	public @Nullable Permit tryAdmit() {
		return this.limiter.admission().tryAdmit();
	}

	@Override
	public Permit admit() {
		return this.limiter.admission().admit();
	}

	@Override
	public CompletableFuture<Permit> admitLater(ScheduledExecutorService scheduler) {
		return this.limiter.admission().admitLater(scheduler);
	}

}
