package dev.asyncutils.bounded;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.admission.Permit;
import dev.asyncutils.core.admission.WaitingCalls;

/**
 * An asynchronous caller in line: its future completes with itself as the permit, or
 * fails at max-wait; cancelling the future leaves the line or gives the slot back.
 */
final class FutureWaiter extends SlotWaiter {

	private static final long serialVersionUID = 1L;

	final transient CompletableFuture<Permit> result = new CompletableFuture<>() {

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			if (!super.cancel(mayInterruptIfRunning)) {
				return false;
			}
			if (FutureWaiter.this.slots.abandon(FutureWaiter.this)) {
				cancelTimer();
			}
			else {
				FutureWaiter.this.release();
			}
			return true;
		}

	};

	private transient volatile @Nullable Future<?> timer;

	FutureWaiter(LocalSlots slots) {
		super(slots);
	}

	void watch(long maxWaitNanos, ScheduledExecutorService scheduler) {
		if (maxWaitNanos == Long.MAX_VALUE || this.result.isDone()) {
			return;
		}
		try {
			this.timer = scheduler.schedule(this::expire, maxWaitNanos, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			expire();
		}
		if (get() != WAITING) {
			// granted or cancelled before the timer existed: it has nothing to do
			cancelTimer();
		}
	}

	private void expire() {
		if (this.slots.abandon(this)) {
			this.result.completeExceptionally(this.slots.limiter.rejected(BoundedLimiter.WAITED_TOO_LONG));
		}
	}

	private void cancelTimer() {
		Future<?> timer = this.timer;
		if (timer != null) {
			timer.cancel(false);
		}
	}

	@Override
	void shutDown() {
		cancelTimer();
		this.result.completeExceptionally(WaitingCalls.shuttingDown());
	}

	@Override
	void granted() {
		cancelTimer();
		if (!this.result.complete(this)) {
			// cancelled meanwhile
			release();
		}
	}

}
