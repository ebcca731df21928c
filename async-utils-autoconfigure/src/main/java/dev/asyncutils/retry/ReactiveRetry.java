package dev.asyncutils.retry;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

import dev.asyncutils.core.AsyncUtilsScheduler;
import dev.asyncutils.core.Call;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.ReactorSupport;

/**
 * {@code @Retry} for {@code Mono} and {@code Flux}: each failed subscription is followed,
 * after a scheduled delay, by a new one, which invokes the method again on a worker with
 * the caller's context (see {@link ReactorSupport#delay}). The decisions are those of
 * {@link RetryRun}, made afresh for every subscription. A {@code Flux} that fails after
 * emitting items emits them again on the retry, as Reactor's own retry does. When the
 * application shuts down during a delay, the subscriber gets
 * {@link java.util.concurrent.RejectedExecutionException} at once.
 */
final class ReactiveRetry {

	private ReactiveRetry() {
	}

	static Invoker mono(RetrySettings settings, RetryStats stats, Invoker next, AsyncUtilsScheduler scheduler) {
		return (call) -> Mono.defer(() -> {
			RetryRun run = new RetryRun(settings, stats, System.nanoTime());
			return ReactorSupport.deferMono(next, call)
				.retryWhen(companion(run, scheduler, call))
				.doOnSuccess((value) -> run.succeeded());
		});
	}

	static Invoker flux(RetrySettings settings, RetryStats stats, Invoker next, AsyncUtilsScheduler scheduler) {
		return (call) -> Flux.defer(() -> {
			RetryRun run = new RetryRun(settings, stats, System.nanoTime());
			return ReactorSupport.deferFlux(next, call)
				.retryWhen(companion(run, scheduler, call))
				.doOnComplete(run::succeeded);
		});
	}

	/**
	 * The decisions of one subscription: each failure is retried after the run's delay,
	 * or ends the subscription with the run's final failure.
	 */
	private static Retry companion(RetryRun run, AsyncUtilsScheduler scheduler, Call call) {
		Function<Retry.RetrySignal, Publisher<?>> decide = (signal) -> {
			long delay = run.onFailure(signal.failure());
			if (delay == RetryRun.GIVE_UP) {
				return Mono.error(run.finalFailure());
			}
			if (delay == 0 && !scheduler.isShuttingDown()) {
				return Mono.just(delay);
			}
			return ReactorSupport.delay(scheduler, TimeUnit.MILLISECONDS.toNanos(delay), call)
				.onErrorMap(RejectedExecutionException.class, run::shutDown);
		};
		return Retry.from((signals) -> Flux.from(signals).concatMap(decide));
	}

}
