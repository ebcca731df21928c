package dev.asyncutils.timeout;

import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.asyncutils.core.AsyncUtilsScheduler;
import dev.asyncutils.core.Call;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.ReactorSupport;

/**
 * {@code @Timeout} for {@code Mono} and {@code Flux}: a deadline per subscription. When
 * it passes, the subscription is cancelled, the cleanup method runs (on a worker) and the
 * subscriber gets {@link dev.asyncutils.TimeoutExceededException}. For a {@code Flux} the
 * deadline covers the whole stream, not each element. Each subscription is counted once,
 * as completed or as timed out, after the winner is decided. When the application shuts
 * down first, the subscriber gets
 * {@link java.util.concurrent.RejectedExecutionException}.
 */
final class ReactiveTimeout {

	private ReactiveTimeout() {
	}

	static Invoker mono(TimeoutSettings settings, TimeoutStats stats, Invoker next, AsyncUtilsScheduler scheduler) {
		long timeoutNanos = settings.timeout().toNanos();
		// Reactor's timeout lets exactly one of the source and the deadline through; the
		// fallback is subscribed only when the deadline won
		return (call) -> Mono.defer(() -> {
			Verdict verdict = new Verdict();
			return ReactorSupport.deferMono(next, call)
				.timeout(verdict.deadline(scheduler, timeoutNanos, call), exceeded(settings, stats, call, verdict))
				.doOnSuccess((value) -> verdict.completed(stats))
				.doOnError((failure) -> verdict.completed(stats));
		});
	}

	static Invoker flux(TimeoutSettings settings, TimeoutStats stats, Invoker next, AsyncUtilsScheduler scheduler) {
		long timeoutNanos = settings.timeout().toNanos();
		// Reactor's timeout lets exactly one of the source and the deadline through and
		// subscribes the fallback only when the deadline won. Its timeout restarts with
		// each element: every element's timeout ends at the instant the first one would
		// have, so the deadline covers the whole stream. (Racing the deadline against the
		// source with takeUntilOther let it fire while the subscription was still being
		// set up, and the subscriber then never heard of the timeout.)
		return (call) -> Flux.defer(() -> {
			Verdict verdict = new Verdict();
			verdict.due = System.nanoTime() + timeoutNanos;
			return ReactorSupport.deferFlux(next, call)
				.timeout(Mono.defer(() -> verdict.sameDeadline(scheduler, call)),
						(item) -> verdict.sameDeadline(scheduler, call), exceeded(settings, stats, call, verdict))
				.doOnComplete(() -> verdict.completed(stats))
				.doOnError((failure) -> verdict.completed(stats));
		});
	}

	private static <T> Mono<T> exceeded(TimeoutSettings settings, TimeoutStats stats, Call call, Verdict verdict) {
		return Mono.defer(() -> {
			verdict.expires();
			stats.timedOut(settings);
			CleanupMethod cleanup = settings.cleanup();
			if (cleanup != null) {
				cleanup.run(call);
			}
			return Mono.error(settings.exceeded());
		});
	}

	/**
	 * Who ended one subscription: its source, its deadline, or the shutdown.
	 */
	private static final class Verdict extends AtomicInteger {

		private static final long serialVersionUID = 1L;

		private static final int PENDING = 0;

		private static final int SOURCE = 1;

		private static final int EXPIRED = 2;

		private static final int ABORTED = 3;

		/**
		 * For a {@code Flux}: when its deadline falls ({@link System#nanoTime()}), set
		 * when it is subscribed.
		 */
		long due;

		/** For a {@code Flux}: a timer that ends at the stream's deadline. */
		Mono<Long> sameDeadline(AsyncUtilsScheduler scheduler, Call call) {
			return deadline(scheduler, this.due - System.nanoTime(), call);
		}

		Mono<Long> deadline(AsyncUtilsScheduler scheduler, long nanos, Call call) {
			return ReactorSupport.delay(scheduler, nanos, call).doOnError((failure) -> compareAndSet(PENDING, ABORTED));
		}

		/** The operator already let only one of the source and the deadline through. */
		void completed(TimeoutStats stats) {
			if (compareAndSet(PENDING, SOURCE)) {
				stats.completed();
			}
		}

		void expires() {
			compareAndSet(PENDING, EXPIRED);
		}

	}

}
