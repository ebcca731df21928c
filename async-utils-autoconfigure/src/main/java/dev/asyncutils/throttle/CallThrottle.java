package dev.asyncutils.throttle;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.core.ArgumentExpression;
import dev.asyncutils.core.Call;
import dev.asyncutils.core.MethodContext;
import dev.asyncutils.core.admission.Admission;
import dev.asyncutils.core.admission.FailedAdmission;
import dev.asyncutils.core.admission.Permit;

/**
 * The admission of one {@code @Throttle} method whose calls name a key or take more than
 * one permit: for each call it evaluates the method's {@code key} and {@code permits}
 * (compiled once, at startup) and hands the invoker the admission of that key's bucket
 * for that many permits. A call whose key is new while {@code max-keys} keys are held is
 * rejected; one that needs more permits than the smallest burst fails with
 * {@link IllegalArgumentException}; one that needs none starts at once.
 */
final class CallThrottle implements Admission {

	private final TokenBucket bucket;

	private final @Nullable ArgumentExpression key;

	private final @Nullable ArgumentExpression permits;

	private final int fixedPermits;

	/** The admission of every call when neither key nor permits depend on the call. */
	private final @Nullable Admission fixed;

	private CallThrottle(TokenBucket bucket, @Nullable ArgumentExpression key, @Nullable ArgumentExpression permits,
			int fixedPermits) {
		this.bucket = bucket;
		this.key = key;
		this.permits = permits;
		this.fixedPermits = fixedPermits;
		this.fixed = (key != null || permits != null) ? null
				: (fixedPermits == 0) ? FREE : ((ThrottleAdmission) bucket.admission()).withPermits(fixedPermits);
	}

	/**
	 * Return the admission of a method: the bucket's own when the method names neither a
	 * key nor a number of permits other than 1.
	 * @param method the method
	 * @param annotation its annotation
	 * @param bucket the instance's bucket
	 * @return the admission
	 */
	static Admission of(MethodContext method, Throttle annotation, TokenBucket bucket) {
		ArgumentExpression key = annotation.key().isEmpty() ? null
				: ArgumentExpression.compile(method, "@Throttle(key)", annotation.key());
		String permitsText = annotation.permits().isEmpty() ? "1" : method.resolvePlaceholders(annotation.permits());
		ArgumentExpression permits = null;
		int fixed = 1;
		if (permitsText.trim().matches("-?\\d+")) {
			try {
				fixed = Integer.parseInt(permitsText.trim());
			}
			catch (NumberFormatException ex) {
				throw method.invalid("@Throttle(permits)", annotation.permits(), "is too large a number");
			}
			if (fixed < 0) {
				throw method.invalid("@Throttle(permits)", annotation.permits(), "must not be negative");
			}
			if (fixed > bucket.maxPermits()) {
				throw method.invalid("@Throttle(permits)", annotation.permits(),
						"is more than the burst (" + bucket.maxPermits() + ") of throttle instance '"
								+ bucket.settings().name() + "': such a call could never start");
			}
		}
		else {
			permits = ArgumentExpression.compile(method, "@Throttle(permits)", annotation.permits());
		}
		if (key == null && permits == null && fixed == 1) {
			return bucket.admission();
		}
		if (key != null) {
			bucket.markKeyed();
		}
		return new CallThrottle(bucket, key, permits, fixed);
	}

	@Override
	public Admission forCall(Call call) {
		Admission fixed = this.fixed;
		if (fixed != null) {
			return fixed;
		}
		int permits = (this.permits != null) ? permits(call) : this.fixedPermits;
		if (permits <= 0 || permits > this.bucket.maxPermits()) {
			return (permits == 0) ? FREE : tooManyPermits(call, permits);
		}
		TokenBucket bucket = this.bucket;
		ArgumentExpression key = this.key;
		if (key != null) {
			Object value = key.evaluate(call.arguments());
			if (value != null) {
				bucket = bucket.keyed(value);
				if (bucket == null) {
					return new FailedAdmission(this.bucket.rejectForMaxKeys());
				}
			}
		}
		ThrottleAdmission admission = (ThrottleAdmission) bucket.admission();
		return (permits == 1) ? admission : admission.withPermits(permits);
	}

	private Admission tooManyPermits(Call call, int permits) {
		return new FailedAdmission(
				new IllegalArgumentException(
						this.permits + " of " + call.method().getName() + " needs " + permits + " permits; "
								+ ((permits < 0) ? "it must not be negative"
										: "more than the burst (" + this.bucket.maxPermits()
												+ ") of throttle instance '" + this.bucket.settings().name()
												+ "', so the call could never start")));
	}

	private int permits(Call call) {
		ArgumentExpression expression = this.permits;
		Object value = (expression != null) ? expression.evaluate(call.arguments()) : null;
		if (value instanceof Number number) {
			long permits = number.longValue();
			return (permits > Integer.MAX_VALUE) ? Integer.MAX_VALUE : (int) Math.max(-1, permits);
		}
		throw notANumber(call, value);
	}

	private IllegalArgumentException notANumber(Call call, @Nullable Object value) {
		return new IllegalArgumentException(
				this.permits + " of " + call.method().getName() + " gave '" + value + "', not a number of permits");
	}

	@Override
	public @Nullable Permit tryAdmit() {
		return this.bucket.admission().tryAdmit();
	}

	@Override
	public Permit admit() {
		return this.bucket.admission().admit();
	}

	@Override
	public CompletableFuture<Permit> admitLater(ScheduledExecutorService scheduler) {
		return this.bucket.admission().admitLater(scheduler);
	}

	/** The admission of a call that takes no permit. */
	private static final Admission FREE = new Admission() {

		@Override
		public Permit tryAdmit() {
			return Permit.NONE;
		}

		@Override
		public Permit admit() {
			return Permit.NONE;
		}

		@Override
		public CompletableFuture<Permit> admitLater(ScheduledExecutorService scheduler) {
			return CompletableFuture.completedFuture(Permit.NONE);
		}

	};

}
