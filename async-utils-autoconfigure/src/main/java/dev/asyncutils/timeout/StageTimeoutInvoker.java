package dev.asyncutils.timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
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

	private final TimeoutStats stats;

	private final long timeoutNanos;

	private final Invoker next;

	private final ScheduledExecutorService scheduler;

	StageTimeoutInvoker(TimeoutSettings settings, TimeoutStats stats, Invoker next,
			ScheduledExecutorService scheduler) {
		this.settings = settings;
		this.stats = stats;
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
		if (deadline.isDecided()) {
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

		/** Set once, by whichever comes first: the deadline or the inner completion. */
		private final AtomicBoolean decided = new AtomicBoolean();

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
			if (!this.decided.compareAndSet(false, true)) {
				return;
			}
			StageTimeoutInvoker.this.stats.timedOut();
			// cancel first, so that whatever the inner call held (a slot, a permit) is
			// back
			// before the caller sees the timeout
			Stages.cancel(this.inner);
			TimeoutSettings settings = StageTimeoutInvoker.this.settings;
			if (this.result.completeExceptionally(settings.exceeded())) {
				CleanupMethod cleanup = settings.cleanup();
				if (cleanup != null) {
					cleanup.run(this.call);
				}
			}
		}

		@Override
		public void accept(@Nullable Object value, @Nullable Throwable failure) {
			if (!this.decided.compareAndSet(false, true)) {
				return;
			}
			cancelTimer();
			StageTimeoutInvoker.this.stats.completed();
			if (failure != null) {
				this.result.completeExceptionally(Failures.unwrap(failure));
			}
			else {
				this.result.complete(value);
			}
		}

		boolean isDecided() {
			return this.decided.get() || this.result.isDone();
		}

		private void cancelTimer() {
			Future<?> timer = this.timer;
			if (timer != null) {
				timer.cancel(false);
			}
		}

	}

}
