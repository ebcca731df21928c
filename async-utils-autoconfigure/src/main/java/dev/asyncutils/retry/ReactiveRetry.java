package dev.asyncutils.retry;

import java.time.Duration;
import java.util.function.Function;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.util.retry.Retry;

import dev.asyncutils.core.Call;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.ReactorSupport;

/**
 * {@code @Retry} for {@code Mono} and {@code Flux}: each failed subscription is followed,
 * after a scheduled delay, by a new one, which invokes the method again. The decisions
 * are those of {@link RetryRun}, made afresh for every subscriber. A {@code Flux} that
 * fails after emitting items emits them again on the retry, as Reactor's own retry does.
 */
final class ReactiveRetry {

	private ReactiveRetry() {
	}

	static Invoker mono(RetrySettings settings, Invoker next, Scheduler scheduler) {
		Retry retry = companion(settings, scheduler);
		return (call) -> ReactorSupport.deferMono(next, call).retryWhen(retry);
	}

	static Invoker flux(RetrySettings settings, Invoker next, Scheduler scheduler) {
		Retry retry = companion(settings, scheduler);
		return (call) -> ReactorSupport.deferFlux(next, call).retryWhen(retry);
	}

	private static Retry companion(RetrySettings settings, Scheduler scheduler) {
		// Reactor builds the companion once per subscription, so each subscriber gets its
		// own RetryRun.
		return Retry.from((signals) -> {
			RetryRun run = new RetryRun(settings, System.nanoTime());
			Function<Retry.RetrySignal, Publisher<?>> decide = (signal) -> {
				long delay = run.onFailure(signal.failure());
				if (delay == RetryRun.GIVE_UP) {
					return Mono.error(run.finalFailure());
				}
				return (delay == 0) ? Mono.just(delay) : Mono.delay(Duration.ofMillis(delay), scheduler);
			};
			return Flux.from(signals).concatMap(decide);
		});
	}

}
