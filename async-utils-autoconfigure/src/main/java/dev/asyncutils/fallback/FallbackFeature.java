package dev.asyncutils.fallback;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ExceptionTypeFilter;

import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.core.Call;
import dev.asyncutils.core.CallContexts;
import dev.asyncutils.core.Failures;
import dev.asyncutils.core.InstanceCatalog;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.MethodContext;
import dev.asyncutils.core.PolicyFeature;
import dev.asyncutils.core.Settings;
import dev.asyncutils.core.Stages;

/**
 * The {@code @Fallback} capability: resolves and checks each fallback method at startup
 * and wraps the chain so that a final failure matching {@code applyOn} (and not
 * {@code skipOn}) is answered by the fallback method.
 */
public class FallbackFeature implements PolicyFeature<Fallback> {

	private final InstanceCatalog<FallbackStats> instances = new InstanceCatalog<>();

	/**
	 * Return every fallback instance by name ({@code SimpleClassName.methodName} of the
	 * guarded method), for metrics and the actuator endpoint.
	 * @return the catalog of instances
	 */
	public InstanceCatalog<FallbackStats> instances() {
		return this.instances;
	}

	@Override
	public Class<Fallback> annotationType() {
		return Fallback.class;
	}

	@Override
	public int order() {
		return FALLBACK;
	}

	@Override
	public String kind() {
		return "fallback";
	}

	@Override
	public Invoker decorate(MethodContext method, Fallback annotation, Invoker next) {
		if (annotation.value().isBlank()) {
			throw method.invalid("@Fallback(value)", annotation.value(), "must name a method of the bean");
		}
		List<Class<? extends Throwable>> applyOn = Settings.unlessEmpty(annotation.applyOn());
		boolean applyOnDefaulted = (applyOn == null);
		if (applyOn == null) {
			applyOn = List.of(Throwable.class);
		}
		List<Class<? extends Throwable>> skipOn = List.of(annotation.skipOn());
		FallbackStats stats = this.instances.obtain(method.defaultInstanceName(),
				(name) -> new FallbackStats(name, annotation.value()));
		FallbackMethod fallback = FallbackMethod.resolve(method, annotation.value(), applyOn, applyOnDefaulted, stats);
		ExceptionTypeFilter filter = new ExceptionTypeFilter(applyOn, skipOn, true);
		return switch (method.returnKind()) {
			case PLAIN -> new PlainFallback(fallback, filter, next);
			case COMPLETION_STAGE -> new StageFallback(fallback, filter, next);
			case MONO -> ReactiveFallback.mono(fallback, filter, next);
			case FLUX -> ReactiveFallback.flux(fallback, filter, next);
		};
	}

	private record PlainFallback(FallbackMethod fallback, ExceptionTypeFilter filter, Invoker next) implements Invoker {

		@Override
		public @Nullable Object invoke(Call call) throws Throwable {
			try {
				return this.next.invoke(call);
			}
			catch (Throwable failure) {
				if (!this.filter.match(failure, true)) {
					throw failure;
				}
				return callFallback(this.fallback, call, failure);
			}
		}

	}

	private record StageFallback(FallbackMethod fallback, ExceptionTypeFilter filter, Invoker next) implements Invoker {

		@Override
		public Object invoke(Call call) {
			CompletionStage<@Nullable Object> inner = Stages.invoke(this.next, call);
			if (Stages.isDoneNormally(inner)) {
				// nothing can fail any more: no stage of our own
				return inner;
			}
			// the fallback method may run on another thread
			call.captureContext();
			CompletableFuture<@Nullable Object> result = new CompletableFuture<>();
			Stages.propagateCancellation(result, inner);
			inner.whenComplete((value, error) -> {
				if (error == null) {
					result.complete(value);
					return;
				}
				Throwable failure = Failures.unwrap(error);
				if (result.isDone() || !this.filter.match(failure, true)) {
					result.completeExceptionally(failure);
					return;
				}
				try {
					Object replacement = callFallback(this.fallback, call, failure);
					if (this.fallback.returnsStage() && replacement != null) {
						((CompletionStage<?>) replacement).whenComplete((fallbackValue, fallbackError) -> {
							if (fallbackError != null) {
								result.completeExceptionally(withOriginal(Failures.unwrap(fallbackError), failure));
							}
							else {
								result.complete(fallbackValue);
							}
						});
					}
					else {
						result.complete(replacement);
					}
				}
				catch (Throwable fallbackError) {
					result.completeExceptionally(fallbackError);
				}
			});
			return result;
		}

	}

	/**
	 * Call the fallback, with the caller's context in place when this is another thread
	 * (see {@link Call#enterContext()}); if it fails too, its failure carries the
	 * original one as suppressed.
	 */
	static @Nullable Object callFallback(FallbackMethod fallback, Call call, Throwable failure) throws Throwable {
		try (CallContexts.Scope scope = call.enterContext()) {
			return fallback.invoke(call, failure);
		}
		catch (Throwable fallbackError) {
			throw withOriginal(fallbackError, failure);
		}
	}

	/**
	 * Attach the original failure to the fallback's own failure.
	 */
	static Throwable withOriginal(Throwable fallbackError, Throwable failure) {
		Failures.suppress(fallbackError, failure);
		return fallbackError;
	}

}
