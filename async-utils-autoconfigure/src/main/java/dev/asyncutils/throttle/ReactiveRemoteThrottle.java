package dev.asyncutils.throttle;

import java.time.Duration;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.ReactorSupport;

/**
 * {@code @Throttle} for {@code Mono} and {@code Flux} on a remote bucket: each
 * subscription asks the store for a permit without blocking, then subscribes to the
 * method on the scheduler (never on the client's I/O thread), at once or when the permit
 * is due.
 */
final class ReactiveRemoteThrottle {

	private ReactiveRemoteThrottle() {
	}

	static Invoker mono(RemoteThrottling remote, Invoker next, Scheduler scheduler) {
		return (call) -> Mono.defer(() -> permit(remote, scheduler).then(ReactorSupport.deferMono(next, call)));
	}

	static Invoker flux(RemoteThrottling remote, Invoker next, Scheduler scheduler) {
		return (call) -> Flux.defer(() -> permit(remote, scheduler).thenMany(ReactorSupport.deferFlux(next, call)));
	}

	private static Mono<Long> permit(RemoteThrottling remote, Scheduler scheduler) {
		return Mono.fromFuture(remote::reserve)
			.publishOn(scheduler)
			.flatMap((wait) -> (wait == 0) ? Mono.just(wait) : Mono.delay(Duration.ofNanos(wait), scheduler));
	}

}
