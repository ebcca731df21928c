package dev.asyncutils.throttle;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.Call;
import dev.asyncutils.core.Invoker;

/**
 * {@code @Throttle} for plain methods: the caller reserves the next permit and sleeps
 * (interruptibly) until it is due, or is rejected at once when it would wait longer than
 * {@code maxWait}. An interrupted caller gives its permit back where no later caller has
 * counted on it yet.
 */
final class PlainThrottleInvoker implements Invoker {

	private final TokenBucket bucket;

	private final Invoker next;

	PlainThrottleInvoker(TokenBucket bucket, Invoker next) {
		this.bucket = bucket;
		this.next = next;
	}

	@Override
	public @Nullable Object invoke(Call call) throws Throwable {
		this.bucket.acquire();
		return this.next.invoke(call);
	}

}
