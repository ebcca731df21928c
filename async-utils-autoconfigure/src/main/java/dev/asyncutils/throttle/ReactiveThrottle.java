package dev.asyncutils.throttle;

import java.time.Duration;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.ReactorSupport;

/**
 * {@code @Throttle} for {@code Mono} and {@code Flux}: each subscription takes a permit;
 * one that must wait is delayed on the scheduler without blocking, and a subscription
 * cancelled while it waits gives its permit back where possible.
 */
final class ReactiveThrottle {

	private ReactiveThrottle() {
	}

	static Invoker mono(TokenBucket bucket, Invoker next, Scheduler scheduler) {
		return (call) -> Mono.defer(() -> {
			long token = bucket.reserve();
			if (token == TokenBucket.REJECTED) {
				return Mono.error(bucket.rejected(TokenBucket.BEYOND_MAX_WAIT));
			}
			long wait = bucket.waitNanos(token, bucket.now());
			if (wait == 0) {
				return ReactorSupport.deferMono(next, call);
			}
			return Mono.delay(Duration.ofNanos(wait), scheduler)
				.doOnCancel(() -> bucket.cancel(token))
				.then(ReactorSupport.deferMono(next, call));
		});
	}

	static Invoker flux(TokenBucket bucket, Invoker next, Scheduler scheduler) {
		return (call) -> Flux.defer(() -> {
			long token = bucket.reserve();
			if (token == TokenBucket.REJECTED) {
				return Flux.error(bucket.rejected(TokenBucket.BEYOND_MAX_WAIT));
			}
			long wait = bucket.waitNanos(token, bucket.now());
			if (wait == 0) {
				return ReactorSupport.deferFlux(next, call);
			}
			return Mono.delay(Duration.ofNanos(wait), scheduler)
				.doOnCancel(() -> bucket.cancel(token))
				.thenMany(ReactorSupport.deferFlux(next, call));
		});
	}

}
