package dev.asyncutils.bounded;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.ReactorSupport;

/**
 * {@code @Bounded} for {@code Mono} and {@code Flux} on remote slots: each subscription
 * holds a slot from subscribe until it terminates or is cancelled, waits for one without
 * holding a thread, and subscribes to the method on the scheduler.
 */
final class ReactiveRemoteBounded {

	private ReactiveRemoteBounded() {
	}

	static Invoker mono(RemoteSlots slots, Invoker next, Scheduler scheduler) {
		return (call) -> Mono.usingWhen(slot(slots, scheduler), (lease) -> ReactorSupport.deferMono(next, call),
				ReactiveRemoteBounded::release, (lease, failure) -> release(lease), ReactiveRemoteBounded::release);
	}

	static Invoker flux(RemoteSlots slots, Invoker next, Scheduler scheduler) {
		return (call) -> Flux.usingWhen(slot(slots, scheduler), (lease) -> ReactorSupport.deferFlux(next, call),
				ReactiveRemoteBounded::release, (lease, failure) -> release(lease), ReactiveRemoteBounded::release);
	}

	private static Mono<RemoteSlots.Lease> slot(RemoteSlots slots, Scheduler scheduler) {
		// a lease dropped by a cancellation between its grant and its delivery goes back
		return Mono.fromFuture(slots::acquire)
			.publishOn(scheduler)
			.doOnDiscard(RemoteSlots.Lease.class, RemoteSlots.Lease::release);
	}

	private static Mono<Void> release(RemoteSlots.Lease lease) {
		return Mono.fromRunnable(lease::release);
	}

}
