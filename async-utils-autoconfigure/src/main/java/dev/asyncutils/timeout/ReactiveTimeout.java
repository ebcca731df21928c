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
		// takeUntilOther cancels the upstream only when the other publisher emits: the
		// deadline emits only if it wins against the source's end (the source's end is
		// held back if it lost), and the completion it causes is replaced with the
		// timeout
		return (call) -> Flux.defer(() -> {
			Verdict verdict = new Verdict();
			return ReactorSupport.deferFlux(next, call)
				.onErrorResume((failure) -> verdict.sourceEnds(stats) ? Flux.error(failure) : Flux.never())
				.concatWith(Mono.defer(() -> verdict.sourceEnds(stats) ? Mono.empty() : Mono.never()))
				.takeUntilOther(verdict.deadline(scheduler, timeoutNanos, call)
					.flatMap((tick) -> verdict.expires() ? Mono.just(tick) : Mono.never()))
				.concatWith(Mono
					.defer(() -> verdict.isExpired() ? exceeded(settings, stats, call, verdict) : Mono.empty()));
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

		Mono<Long> deadline(AsyncUtilsScheduler scheduler, long nanos, Call call) {
			return ReactorSupport.delay(scheduler, nanos, call).doOnError((failure) -> compareAndSet(PENDING, ABORTED));
		}

		/** The source ended: counts the call as completed unless the deadline won. */
		boolean sourceEnds(TimeoutStats stats) {
			if (compareAndSet(PENDING, SOURCE)) {
				stats.completed();
				return true;
			}
			return get() == SOURCE;
		}

		/** For {@code Mono}: the operator already let only one through. */
		void completed(TimeoutStats stats) {
			if (compareAndSet(PENDING, SOURCE)) {
				stats.completed();
			}
		}

		boolean expires() {
			return compareAndSet(PENDING, EXPIRED) || get() == EXPIRED;
		}

		boolean isExpired() {
			return get() == EXPIRED;
		}

	}

}
