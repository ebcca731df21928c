package dev.asyncutils.batch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

import org.springframework.util.backoff.BackOffExecution;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.core.DeadlineTimer;
import dev.asyncutils.core.Failures;

/**
 * An item whose attempts are {@link ItemWork.Attempt}s: asynchronous work, or blocking
 * work with an item timeout. Each attempt's result future or its deadline, whichever
 * comes first, decides; the deadline is watched by the core {@link DeadlineTimer}, the
 * one behind {@code @Timeout}, so an attempt that ends in time costs one small object and
 * nothing to call off.
 *
 * @param <T> the item type
 * @param <R> the result type
 */
final class FutureItem<T, R> extends Item<T, R> {

	static final String ITEM_TIMEOUT_NAME = "BatchProcessor.item";

	private static final long serialVersionUID = 1L;

	private static final int RUNNING = 0;

	private static final int DONE = 1;

	private transient volatile ItemWork.@Nullable Attempt<R> current;

	FutureItem(BatchState<T, R> batch, long index, T item) {
		super(batch, index, item);
	}

	@Override
	void attempt() {
		if (get() != RUNNING) {
			return;
		}
		BatchRun<T, R> run = batchRun();
		if (run.isCancelled()) {
			finishCancelled();
			return;
		}
		this.attempts++;
		ItemWork.Attempt<R> attempt = run.work().start(this.item);
		this.current = attempt;
		if (get() != RUNNING) {
			attempt.cancel();
			return;
		}
		Settlement settlement = new Settlement(attempt);
		long timeoutNanos = run.itemTimeoutNanos();
		if (timeoutNanos > 0) {
			run.runtime().timer().schedule(settlement, timeoutNanos);
		}
		attempt.result().whenComplete(settlement);
	}

	private void failed(Throwable failure) {
		if (get() != RUNNING) {
			return;
		}
		long delay = nextRetry(failure);
		if (delay != BackOffExecution.STOP) {
			RuntimeException notScheduled = retryAfter(delay);
			if (notScheduled == null) {
				return;
			}
			Failures.suppress(failure, notScheduled);
		}
		finish(failureOutcome(failure));
	}

	@Override
	void cancel() {
		cancelPendingRetry();
		ItemWork.Attempt<R> attempt = this.current;
		if (attempt != null) {
			attempt.cancel();
		}
		finishCancelled();
	}

	@Override
	void finishCancelled() {
		if (get() == RUNNING) {
			finish(cancelledOutcome());
		}
	}

	private void finish(ItemOutcome<T, R> outcome) {
		if (compareAndSet(RUNNING, DONE)) {
			record(outcome);
		}
	}

	/**
	 * How one attempt ends: its result or its deadline, whichever settles it first. The
	 * deadline expires on the timer thread, which only hands the timeout to the
	 * scheduler.
	 */
	private final class Settlement extends DeadlineTimer.Deadline
			implements BiConsumer<@Nullable R, @Nullable Throwable>, Runnable {

		private static final VarHandle SETTLED;

		static {
			try {
				SETTLED = MethodHandles.lookup().findVarHandle(FutureItem.Settlement.class, "settled", boolean.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		private final ItemWork.Attempt<R> attempt;

		@SuppressWarnings("unused")
		private volatile boolean settled;

		Settlement(ItemWork.Attempt<R> attempt) {
			this.attempt = attempt;
		}

		private boolean settle() {
			return SETTLED.compareAndSet(this, false, true);
		}

		@Override
		public void accept(@Nullable R value, @Nullable Throwable failure) {
			if (!settle()) {
				return;
			}
			if (failure == null) {
				finish(successOutcome(value));
			}
			else {
				failed(Failures.unwrap(failure));
			}
		}

		@Override
		protected boolean isFinished() {
			return this.settled;
		}

		@Override
		protected void expire() {
			if (!settle()) {
				return;
			}
			try {
				batchRun().runtime().scheduler().execute(this);
			}
			catch (RuntimeException ex) {
				// rejected: time the attempt out here rather than never
				run();
			}
		}

		/**
		 * A running item keeps its deadline while the context closes; when the timer
		 * stops, its attempt is timed out now rather than never.
		 */
		@Override
		protected void shutdown(boolean stopping) {
			if (stopping) {
				expire();
			}
		}

		/** Times the attempt out, on the scheduler. */
		@Override
		public void run() {
			// stop the attempt (interrupt it, cancel its stage) before its outcome is
			// recorded or a retry starts
			this.attempt.cancel();
			Duration itemTimeout = batchRun().options().itemTimeout();
			failed(new TimeoutExceededException(ITEM_TIMEOUT_NAME, itemTimeout));
		}

	}

}
