package dev.asyncutils.timeout;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import dev.asyncutils.core.Call;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.ReactorSupport;

/**
 * {@code @Timeout} for {@code Mono} and {@code Flux}: a deadline per subscription. When
 * it passes, the subscription is cancelled, the cleanup method runs and the subscriber
 * gets {@link dev.asyncutils.TimeoutExceededException}. For a {@code Flux} the deadline
 * covers the whole stream, not each element.
 */
final class ReactiveTimeout {

	private ReactiveTimeout() {
	}

	static Invoker mono(TimeoutSettings settings, TimeoutStats stats, Invoker next, Scheduler scheduler) {
		Duration timeout = settings.timeout();
		return (call) -> ReactorSupport.deferMono(next, call)
			.doOnTerminate(stats::completed)
			.timeout(timeout, exceeded(settings, stats, call), scheduler);
	}

	static Invoker flux(TimeoutSettings settings, TimeoutStats stats, Invoker next, Scheduler scheduler) {
		Duration timeout = settings.timeout();
		// takeUntilOther cancels the upstream only when the other publisher emits (an
		// error from it would leave the upstream subscribed): let the deadline emit, then
		// replace the completion it causes with the timeout
		return (call) -> Flux.defer(() -> {
			AtomicBoolean expired = new AtomicBoolean();
			return ReactorSupport.deferFlux(next, call)
				.doOnTerminate(stats::completed)
				.takeUntilOther(Mono.delay(timeout, scheduler).doOnNext((tick) -> expired.set(true)))
				.concatWith(Mono.defer(() -> expired.get() ? exceeded(settings, stats, call) : Mono.empty()));
		});
	}

	private static <T> Mono<T> exceeded(TimeoutSettings settings, TimeoutStats stats, Call call) {
		return Mono.defer(() -> {
			stats.timedOut(settings);
			CleanupMethod cleanup = settings.cleanup();
			if (cleanup != null) {
				cleanup.run(call);
			}
			return Mono.error(settings.exceeded());
		});
	}

}
