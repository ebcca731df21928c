package dev.asyncutils.fallback;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.util.ExceptionTypeFilter;

import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.ReactorSupport;

/**
 * {@code @Fallback} for {@code Mono} and {@code Flux}: a matching error signal is
 * replaced by the publisher the fallback method returns (empty if it returns
 * {@code null}). An error of that publisher carries the original failure as suppressed,
 * as it does for the other return types.
 */
final class ReactiveFallback {

	private ReactiveFallback() {
	}

	@SuppressWarnings("unchecked")
	static Invoker mono(FallbackMethod fallback, ExceptionTypeFilter filter, Invoker next) {
		return (call) -> ReactorSupport.deferMono(next, call).onErrorResume((failure) -> {
			if (!filter.match(failure, true)) {
				return Mono.error(failure);
			}
			try {
				Object replacement = FallbackFeature.callFallback(fallback, call, failure);
				return (replacement != null) ? ((Mono<@Nullable Object>) replacement)
					.onErrorMap((fallbackError) -> FallbackFeature.withOriginal(fallbackError, failure)) : Mono.empty();
			}
			catch (Throwable fallbackError) {
				return Mono.error(fallbackError);
			}
		});
	}

	@SuppressWarnings("unchecked")
	static Invoker flux(FallbackMethod fallback, ExceptionTypeFilter filter, Invoker next) {
		return (call) -> ReactorSupport.deferFlux(next, call).onErrorResume((failure) -> {
			if (!filter.match(failure, true)) {
				return Flux.error(failure);
			}
			try {
				Object replacement = FallbackFeature.callFallback(fallback, call, failure);
				return (replacement != null) ? ((Flux<@Nullable Object>) replacement)
					.onErrorMap((fallbackError) -> FallbackFeature.withOriginal(fallbackError, failure)) : Flux.empty();
			}
			catch (Throwable fallbackError) {
				return Flux.error(fallbackError);
			}
		});
	}

}
