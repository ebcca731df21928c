package dev.asyncutils.bounded;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.Call;
import dev.asyncutils.core.Invoker;

/**
 * {@code @Bounded} for plain methods: the caller holds a slot for the call, waiting in
 * line (interruptibly) for one if none is free.
 */
final class PlainBoundedInvoker implements Invoker {

	private final BoundedLimiter limiter;

	private final Invoker next;

	PlainBoundedInvoker(BoundedLimiter limiter, Invoker next) {
		this.limiter = limiter;
		this.next = next;
	}

	@Override
	public @Nullable Object invoke(Call call) throws Throwable {
		this.limiter.acquire();
		try {
			return this.next.invoke(call);
		}
		finally {
			this.limiter.release();
		}
	}

}
