package dev.asyncutils.retry;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.AsyncUtilsScheduler;
import dev.asyncutils.core.Call;
import dev.asyncutils.core.Failures;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.Stages;

/**
 * {@code @Retry} for {@code CompletionStage} methods: when an attempt's stage fails (or
 * the method throws), the method is invoked again after a scheduled delay, on a worker
 * (see {@link dev.asyncutils.core.AsyncUtilsScheduler}). No thread waits, and no attempt
 * recurses on the stack of the previous one: attempts without a delay that fail at once
 * run in a loop. Cancelling the returned future cancels the attempt in flight and stops
 * retrying. When the application shuts down during a delay, the future fails at once with
 * {@link RejectedExecutionException}.
 */
final class StageRetryInvoker implements Invoker {

	private final RetrySettings settings;

	private final RetryStats stats;

	private final Invoker next;

	private final ScheduledExecutorService scheduler;

	StageRetryInvoker(RetrySettings settings, RetryStats stats, Invoker next, ScheduledExecutorService scheduler) {
		this.settings = settings;
		this.stats = stats;
		this.next = next;
		this.scheduler = scheduler;
	}

	@Override
	public Object invoke(Call call) {
		long start = this.settings.startNanos();
		CompletionStage<@Nullable Object> first = Stages.invoke(this.next, call);
		if (Stages.isDoneNormally(first)) {
			// succeeded at once: nothing to watch, the method's own future is the answer
			this.stats.succeeded(0);
			return first;
		}
		// later attempts may run on a worker
		call.captureContext();
		Attempts attempts = new Attempts(call, start);
		attempts.result.whenComplete(attempts::onResultDone);
		attempts.due.set(1);
		attempts.watch(first);
		if (attempts.due.decrementAndGet() != 0) {
			// the first attempt failed at once and the next one is due at once
			attempts.due.set(0);
			attempts.attemptNow();
		}
		return attempts.result;
	}

	/**
	 * The attempts of one call; runs each attempt and reacts to its outcome.
	 */
	private final class Attempts
			implements AsyncUtilsScheduler.Abortable, BiConsumer<@Nullable Object, @Nullable Throwable> {

		final CompletableFuture<@Nullable Object> result = new CompletableFuture<>();

		private final Call call;

		private final long start;

		private @Nullable RetryRun run;

		private volatile @Nullable CompletionStage<?> current;

		private volatile @Nullable Future<?> pendingDelay;

		/**
		 * Attempts due at once and not yet started: the first of them loops, the others
		 * only count (a trampoline instead of recursion).
		 */
		private final AtomicInteger due = new AtomicInteger();

		Attempts(Call call, long start) {
			this.call = call;
			this.start = start;
		}

		/** A delay is over: the next attempt, on a worker. */
		@Override
		public void run() {
			attemptNow();
		}

		@Override
		public void abort(RejectedExecutionException reason) {
			RetryRun run = this.run;
			this.result.completeExceptionally((run != null) ? run.shutDown(reason) : reason);
		}

		/**
		 * Start the next attempt; if called again by that attempt (its stage failed at
		 * once and the next is due at once), the loop here starts that one too.
		 */
		private void attemptNow() {
			if (this.due.getAndIncrement() != 0) {
				return;
			}
			do {
				if (this.result.isDone()) {
					this.due.set(0);
					return;
				}
				watch(Stages.invoke(StageRetryInvoker.this.next, this.call));
			}
			while (this.due.decrementAndGet() != 0);
		}

		void watch(CompletionStage<@Nullable Object> stage) {
			this.current = stage;
			if (this.result.isDone()) {
				Stages.cancel(stage);
				return;
			}
			stage.whenComplete(this);
		}

		@Override
		public void accept(@Nullable Object value, @Nullable Throwable failure) {
			if (failure == null) {
				if (this.result.complete(value)) {
					RetryRun run = this.run;
					if (run == null) {
						StageRetryInvoker.this.stats.succeeded(0);
					}
					else {
						run.succeeded();
					}
				}
				return;
			}
			if (this.result.isDone()) {
				return;
			}
			RetryRun run = this.run;
			if (run == null) {
				run = new RetryRun(StageRetryInvoker.this.settings, StageRetryInvoker.this.stats, this.start);
				this.run = run;
			}
			long delay = run.onFailure(Failures.unwrap(failure));
			if (delay == RetryRun.GIVE_UP) {
				this.result.completeExceptionally(run.finalFailure());
			}
			else if (delay == 0) {
				attemptNow();
			}
			else {
				try {
					this.pendingDelay = StageRetryInvoker.this.scheduler.schedule(this, delay, TimeUnit.MILLISECONDS);
				}
				catch (RejectedExecutionException ex) {
					this.result.completeExceptionally(run.shutDown(ex));
				}
			}
		}

		void onResultDone(@Nullable Object value, @Nullable Throwable failure) {
			if (this.result.isCancelled()) {
				Future<?> pendingDelay = this.pendingDelay;
				if (pendingDelay != null) {
					pendingDelay.cancel(false);
				}
				Stages.cancel(this.current);
			}
		}

	}

}
