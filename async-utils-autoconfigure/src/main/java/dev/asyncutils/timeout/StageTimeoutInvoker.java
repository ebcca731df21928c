package dev.asyncutils.timeout;

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
 * {@code @Timeout} for {@code CompletionStage} methods: the returned stage fails with
 * {@link dev.asyncutils.TimeoutExceededException} at the deadline, without waiting for
 * the method's own stage, which is cancelled; the cleanup method runs once.
 */
final class StageTimeoutInvoker implements Invoker {

	private final TimeoutSettings settings;

	private final long timeoutNanos;

	private final Invoker next;

	private final ScheduledExecutorService scheduler;

	StageTimeoutInvoker(TimeoutSettings settings, Invoker next, ScheduledExecutorService scheduler) {
		this.settings = settings;
		this.timeoutNanos = settings.timeout().toNanos();
		this.next = next;
		this.scheduler = scheduler;
	}

	@Override
	public Object invoke(Call call) {
		Deadline deadline = new Deadline(call);
		try {
			deadline.timer = this.scheduler.schedule(deadline, this.timeoutNanos, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		CompletionStage<@Nullable Object> inner = Stages.invoke(this.next, call);
		deadline.inner = inner;
		if (deadline.result.isDone()) {
			// the deadline passed while the method was still returning its stage
			Stages.cancel(inner);
		}
		else {
			inner.whenComplete(deadline);
		}
		return deadline.result;
	}

	/**
	 * The deadline of one call and the stage handed to the caller.
	 */
	private final class Deadline implements Runnable, BiConsumer<@Nullable Object, @Nullable Throwable> {

		final CompletableFuture<@Nullable Object> result = new CompletableFuture<>();

		private final Call call;

		volatile @Nullable Future<?> timer;

		volatile @Nullable CompletionStage<?> inner;

		Deadline(Call call) {
			this.call = call;
			this.result.whenComplete((value, failure) -> {
				if (this.result.isCancelled()) {
					cancelTimer();
					Stages.cancel(this.inner);
				}
			});
		}

		@Override
		public void run() {
			TimeoutSettings settings = StageTimeoutInvoker.this.settings;
			if (this.result.completeExceptionally(settings.exceeded())) {
				Stages.cancel(this.inner);
				CleanupMethod cleanup = settings.cleanup();
				if (cleanup != null) {
					cleanup.run(this.call);
				}
			}
		}

		@Override
		public void accept(@Nullable Object value, @Nullable Throwable failure) {
			boolean completed = (failure != null) ? this.result.completeExceptionally(Failures.unwrap(failure))
					: this.result.complete(value);
			if (completed) {
				cancelTimer();
			}
		}

		private void cancelTimer() {
			Future<?> timer = this.timer;
			if (timer != null) {
				timer.cancel(false);
			}
		}

	}

}
