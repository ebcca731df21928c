package dev.asyncutils.guard;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.Guard;
import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.core.AsyncUtilsConfigurationException;
import dev.asyncutils.core.GuardPolicies;
import dev.asyncutils.core.MethodPolicy;
import dev.asyncutils.core.ReturnKind;

import org.springframework.core.annotation.AnnotationUtils;

/**
 * Collects a guard's steps and builds it: each kind of call gets the chain the
 * capabilities build for an annotated method of that kind carrying the annotations the
 * steps stand for. A step is a capability's annotation, so a capability that a later
 * version adds (a circuit breaker) needs a step class and a builder method, nothing more.
 */
public final class GuardBuilder implements Guard.Builder {

	private final String name;

	private final GuardPolicies policies;

	private final Map<Class<? extends Annotation>, Step<?>> steps = new LinkedHashMap<>();

	/**
	 * Start a guard.
	 * @param name the guard's name: the instance name of every step
	 * @param policies builds the chains
	 */
	public GuardBuilder(String name, GuardPolicies policies) {
		if (name == null || name.isBlank()) {
			throw new IllegalArgumentException(
					"A guard needs a name (the instance name of its steps), got '" + name + "'");
		}
		this.name = name;
		this.policies = policies;
	}

	@Override
	public Guard.Builder retry() {
		return retry((retry) -> {
		});
	}

	@Override
	public Guard.Builder retry(Consumer<RetryStep> customizer) {
		return step(new RetryStep(), customizer);
	}

	@Override
	public Guard.Builder circuitBreaker() {
		return circuitBreaker((breaker) -> {
		});
	}

	@Override
	public Guard.Builder circuitBreaker(Consumer<CircuitBreakerStep> customizer) {
		return step(new CircuitBreakerStep(), customizer);
	}

	@Override
	public Guard.Builder timeout() {
		return timeout((timeout) -> {
		});
	}

	@Override
	public Guard.Builder timeout(Consumer<TimeoutStep> customizer) {
		return step(new TimeoutStep(), customizer);
	}

	@Override
	public Guard.Builder bounded() {
		return bounded((bounded) -> {
		});
	}

	@Override
	public Guard.Builder bounded(Consumer<BoundedStep> customizer) {
		return step(new BoundedStep(), customizer);
	}

	@Override
	public Guard.Builder throttle() {
		return throttle((throttle) -> {
		});
	}

	@Override
	public Guard.Builder throttle(Consumer<ThrottleStep> customizer) {
		return step(new ThrottleStep(), customizer);
	}

	private <S extends Step<?>> Guard.Builder step(S step, Consumer<S> customizer) {
		customizer.accept(step);
		this.steps.put(step.annotationType(), step);
		return this;
	}

	@Override
	public Guard build() {
		List<String> problems = new ArrayList<>();
		List<Annotation> annotations = new ArrayList<>();
		Runnable cleanup = null;
		for (Step<?> step : this.steps.values()) {
			if (!this.policies.supports(step.annotationType())) {
				throw new IllegalArgumentException("Guard '" + this.name + "': the "
						+ step.annotationType().getSimpleName() + " capability is not enabled");
			}
			problems.addAll(step.problems());
			annotations.add(step.annotation(this.name));
			if (step instanceof TimeoutStep timeout) {
				cleanup = timeout.cleanup();
			}
		}
		if (!problems.isEmpty()) {
			throw new IllegalArgumentException(
					"Invalid async-utils configuration: guard '" + this.name + "', " + String.join("; ", problems));
		}
		GuardTarget target = ReturnKind.isReactorPresent() ? ReactiveGuards.target(cleanup) : new GuardTarget(cleanup);
		try {
			MethodPolicy plain = this.policies.build(this.name, GuardTarget.class, GuardTarget.CALL, annotations);
			MethodPolicy stage = this.policies.build(this.name, GuardTarget.class, GuardTarget.CALL_ASYNC, annotations);
			ReactiveGuards reactive = ReturnKind.isReactorPresent()
					? ReactiveGuards.build(this.policies, this.name, annotations) : null;
			return new DefaultGuard(this.name, target, plain, stage, reactive, () -> withFallback(annotations));
		}
		catch (AsyncUtilsConfigurationException ex) {
			throw new IllegalArgumentException(stepNames(ex.getMessage()), ex);
		}
	}

	/**
	 * The plain chain with {@code @Fallback} outermost, for {@code call(callable,
	 * fallback)}: built on first use, so that guards that never use a fallback publish no
	 * fallback instance.
	 */
	private MethodPolicy withFallback(List<Annotation> annotations) {
		List<Annotation> steps = new ArrayList<>(annotations);
		steps.add(AnnotationUtils.synthesizeAnnotation(Map.of("value", GuardTarget.FALLBACK), Fallback.class, null));
		return this.policies.build(this.name, GuardTarget.class, GuardTarget.CALL_WITH_FALLBACK, steps);
	}

	/**
	 * Name settings after the builder methods where they differ from the annotations'
	 * attributes.
	 */
	private static String stepNames(@Nullable String message) {
		return String.valueOf(message)
			.replace("timeout(value)", "timeout(duration)")
			.replace("bounded(value)", "bounded(maxConcurrent)");
	}

}
