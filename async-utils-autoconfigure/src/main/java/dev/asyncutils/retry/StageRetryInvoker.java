package dev.asyncutils.retry;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.Call;
import dev.asyncutils.core.Failures;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.Stages;

/**
 * {@code @Retry} for {@code CompletionStage} methods: when an attempt's stage fails (or
 * the method throws), the method is invoked again after a scheduled delay. No thread
 * waits. Cancelling the returned future cancels the attempt in flight and stops retrying.
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
		Attempts attempts = new Attempts(call, start);
		attempts.result.whenComplete(attempts::onResultDone);
		attempts.watch(first);
		return attempts.result;
	}

	/**
	 * The attempts of one call; runs each attempt and reacts to its outcome.
	 */
	private final class Attempts implements Runnable, BiConsumer<@Nullable Object, @Nullable Throwable> {

		final CompletableFuture<@Nullable Object> result = new CompletableFuture<>();

		private final Call call;

		private final long start;

		private @Nullable RetryRun run;

		private volatile @Nullable CompletionStage<?> current;

		private volatile @Nullable Future<?> pendingDelay;

		Attempts(Call call, long start) {
			this.call = call;
			this.start = start;
		}

		@Override
		public void run() {
			if (this.result.isDone()) {
				return;
			}
			watch(Stages.invoke(StageRetryInvoker.this.next, this.call));
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
				run();
			}
			else {
				try {
					this.pendingDelay = StageRetryInvoker.this.scheduler.schedule(this, delay, TimeUnit.MILLISECONDS);
				}
				catch (RejectedExecutionException ex) {
					Throwable last = run.finalFailure();
					Failures.suppress(last, ex);
					this.result.completeExceptionally(last);
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
