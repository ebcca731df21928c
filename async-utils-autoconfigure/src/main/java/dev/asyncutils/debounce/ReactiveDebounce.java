package dev.asyncutils.debounce;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import dev.asyncutils.core.Call;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.ReactorSupport;

/**
 * {@code @Debounce} on {@code Mono} methods. Only loaded when a method returns
 * {@code Mono}, which implies Reactor is on the classpath.
 */
final class ReactiveDebounce {

	private ReactiveDebounce() {
	}

	/**
	 * The caller's mono: each subscription is one call that joins its key's run, and
	 * receives that run's outcome. Cancelling it leaves the run alone.
	 */
	static Mono<@Nullable Object> mono(Debouncer debouncer, Call call) {
		return Mono.defer(() -> {
			CompletableFuture<@Nullable Object> outcome = new CompletableFuture<>();
			debouncer.arrive(call, outcome);
			return Mono.fromFuture(outcome, true);
		});
	}

	/**
	 * Run the chain below once and deliver its first element (or nothing).
	 */
	static CompletableFuture<@Nullable Object> subscribe(Invoker next, Call call) {
		return ReactorSupport.deferMono(next, call).toFuture();
	}

}
