package dev.asyncutils.bounded;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.Call;
import dev.asyncutils.core.Failures;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.Stages;

/**
 * {@code @Bounded} for {@code CompletionStage} methods: a slot is held until the stage
 * the method returned completes. A caller that finds no free slot gets a future at once
 * and waits in line without holding a thread; the method is invoked on the scheduler when
 * its turn comes. Cancelling that future leaves the line, or gives the slot back if it
 * was granted but not used yet, or cancels the running call (whose completion frees the
 * slot).
 */
final class StageBoundedInvoker implements Invoker {

	private final BoundedLimiter limiter;

	private final Invoker next;

	private final ScheduledExecutorService scheduler;

	StageBoundedInvoker(BoundedLimiter limiter, Invoker next, ScheduledExecutorService scheduler) {
		this.limiter = limiter;
		this.next = next;
		this.scheduler = scheduler;
	}

	@Override
	public Object invoke(Call call) {
		if (this.limiter.tryAcquire()) {
			return holdUntilComplete(call);
		}
		long maxWait = this.limiter.maxWaitNanos();
		if (maxWait == 0) {
			return CompletableFuture.failedFuture(this.limiter.rejected(BoundedLimiter.NO_WAIT));
		}
		StageWaiter waiter = new StageWaiter(call);
		int outcome = this.limiter.enqueue(waiter);
		if (outcome == BoundedLimiter.TAKEN) {
			return holdUntilComplete(call);
		}
		if (outcome == BoundedLimiter.FULL) {
			return CompletableFuture.failedFuture(this.limiter.rejected(BoundedLimiter.QUEUE_FULL));
		}
		waiter.watch(maxWait);
		return waiter.result;
	}

	private CompletionStage<@Nullable Object> holdUntilComplete(Call call) {
		CompletionStage<@Nullable Object> stage = Stages.invoke(this.next, call);
		if (Stages.isDoneNormally(stage)) {
			this.limiter.release();
		}
		else {
			stage.whenComplete((value, failure) -> this.limiter.release());
		}
		return stage;
	}

	/**
	 * An asynchronous caller in line.
	 */
	private final class StageWaiter extends BoundedLimiter.Waiter implements Runnable {

		private static final long serialVersionUID = 1L;

		final transient CompletableFuture<@Nullable Object> result = new CompletableFuture<>();

		private final transient Call call;

		private transient volatile @Nullable Future<?> timer;

		StageWaiter(Call call) {
			this.call = call;
		}

		void watch(long maxWaitNanos) {
			BoundedLimiter limiter = StageBoundedInvoker.this.limiter;
			this.result.whenComplete((value, failure) -> {
				if (this.result.isCancelled()) {
					if (limiter.abandon(this)) {
						cancelTimer();
					}
					else {
						releaseUnstarted(limiter);
					}
				}
			});
			if (maxWaitNanos != Long.MAX_VALUE && !this.result.isDone()) {
				try {
					this.timer = StageBoundedInvoker.this.scheduler.schedule(this::expire, maxWaitNanos,
							TimeUnit.NANOSECONDS);
				}
				catch (RejectedExecutionException ex) {
					expire();
				}
				if (get() != WAITING) {
					// granted or cancelled before the timer existed: it has nothing to do
					cancelTimer();
				}
			}
		}

		private void expire() {
			BoundedLimiter limiter = StageBoundedInvoker.this.limiter;
			if (limiter.abandon(this)) {
				this.result.completeExceptionally(limiter.rejected(BoundedLimiter.WAITED_TOO_LONG));
			}
		}

		private void cancelTimer() {
			Future<?> timer = this.timer;
			if (timer != null) {
				timer.cancel(false);
			}
		}

		@Override
		void granted() {
			try {
				StageBoundedInvoker.this.scheduler.execute(this);
			}
			catch (RejectedExecutionException ex) {
				releaseUnstarted(StageBoundedInvoker.this.limiter);
				this.result.completeExceptionally(ex);
			}
		}

		@Override
		public void run() {
			cancelTimer();
			if (!start()) {
				return;
			}
			// the slot is held until the method's stage completes
			CompletionStage<@Nullable Object> stage = Stages.invoke(StageBoundedInvoker.this.next, this.call);
			stage.whenComplete((value, failure) -> {
				releaseGranted(StageBoundedInvoker.this.limiter);
				if (failure != null) {
					this.result.completeExceptionally(Failures.unwrap(failure));
				}
				else {
					this.result.complete(value);
				}
			});
			Stages.propagateCancellation(this.result, stage);
		}

	}

}
