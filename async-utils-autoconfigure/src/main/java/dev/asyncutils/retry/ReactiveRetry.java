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
 * are those of {@link RetryRun}, made afresh for every subscription. A {@code Flux} that
 * fails after emitting items emits them again on the retry, as Reactor's own retry does.
 */
final class ReactiveRetry {

	private ReactiveRetry() {
	}

	static Invoker mono(RetrySettings settings, RetryStats stats, Invoker next, Scheduler scheduler) {
		return (call) -> Mono.defer(() -> {
			RetryRun run = new RetryRun(settings, stats, System.nanoTime());
			return ReactorSupport.deferMono(next, call)
				.retryWhen(companion(run, scheduler))
				.doOnSuccess((value) -> run.succeeded());
		});
	}

	static Invoker flux(RetrySettings settings, RetryStats stats, Invoker next, Scheduler scheduler) {
		return (call) -> Flux.defer(() -> {
			RetryRun run = new RetryRun(settings, stats, System.nanoTime());
			return ReactorSupport.deferFlux(next, call)
				.retryWhen(companion(run, scheduler))
				.doOnComplete(run::succeeded);
		});
	}

	/**
	 * The decisions of one subscription: each failure is retried after the run's delay,
	 * or ends the subscription with the run's final failure.
	 */
	private static Retry companion(RetryRun run, Scheduler scheduler) {
		Function<Retry.RetrySignal, Publisher<?>> decide = (signal) -> {
			long delay = run.onFailure(signal.failure());
			if (delay == RetryRun.GIVE_UP) {
				return Mono.error(run.finalFailure());
			}
			return (delay == 0) ? Mono.just(delay) : Mono.delay(Duration.ofMillis(delay), scheduler);
		};
		return Retry.from((signals) -> Flux.from(signals).concatMap(decide));
	}

}
