package dev.asyncutils.throttle;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.Call;
import dev.asyncutils.core.Failures;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.Stages;

/**
 * {@code @Throttle} for {@code CompletionStage} methods: a caller whose permit is due
 * later gets a future at once, and the scheduler invokes the method when the permit is
 * due; no thread waits. Cancelling that future before the start gives the permit back
 * where possible.
 */
final class StageThrottleInvoker implements Invoker {

	private final TokenBucket bucket;

	private final Invoker next;

	private final ScheduledExecutorService scheduler;

	StageThrottleInvoker(TokenBucket bucket, Invoker next, ScheduledExecutorService scheduler) {
		this.bucket = bucket;
		this.next = next;
		this.scheduler = scheduler;
	}

	@Override
	public Object invoke(Call call) {
		long token = this.bucket.reserveUnlessFree(this.bucket.maxWaitNanos());
		if (token == TokenBucket.REJECTED) {
			return CompletableFuture.failedFuture(this.bucket.rejected(TokenBucket.BEYOND_MAX_WAIT));
		}
		if (token == TokenBucket.FREE_NOW) {
			return Stages.invoke(this.next, call);
		}
		long wait = this.bucket.waitNanos(token, this.bucket.now());
		if (wait == 0) {
			return Stages.invoke(this.next, call);
		}
		DelayedStart start = new DelayedStart(call, token);
		try {
			start.timer = this.scheduler.schedule(start, wait, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			this.bucket.cancel(token);
			return CompletableFuture.failedFuture(ex);
		}
		return start.result;
	}

	/**
	 * A call waiting for its permit; starts exactly once, or never if cancelled first.
	 */
	private final class DelayedStart extends AtomicBoolean implements Runnable {

		private static final long serialVersionUID = 1L;

		final transient CompletableFuture<@Nullable Object> result = new CompletableFuture<>();

		private final transient Call call;

		private final long token;

		transient volatile @Nullable Future<?> timer;

		DelayedStart(Call call, long token) {
			this.call = call;
			this.token = token;
			this.result.whenComplete((value, failure) -> {
				if (this.result.isCancelled() && compareAndSet(false, true)) {
					Future<?> timer = this.timer;
					if (timer != null) {
						timer.cancel(false);
					}
					StageThrottleInvoker.this.bucket.cancel(this.token);
				}
			});
		}

		@Override
		public void run() {
			if (!compareAndSet(false, true)) {
				return;
			}
			CompletionStage<@Nullable Object> inner = Stages.invoke(StageThrottleInvoker.this.next, this.call);
			Stages.propagateCancellation(this.result, inner);
			inner.whenComplete((value, failure) -> {
				if (failure != null) {
					this.result.completeExceptionally(Failures.unwrap(failure));
				}
				else {
					this.result.complete(value);
				}
			});
		}

	}

}
