package dev.asyncutils.circuitbreaker;

import java.util.Set;

import dev.asyncutils.annotation.CircuitBreaker;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.MethodContext;
import dev.asyncutils.core.PolicyFeature;
import dev.asyncutils.core.Signals;
import dev.asyncutils.core.SignalsAware;
import dev.asyncutils.core.admission.AdmissionInvokers;

/**
 * The {@code @CircuitBreaker} capability: resolves each method's breaker at startup
 * (shared by instance name through the {@link CircuitBreakerRegistry}) and wraps its
 * chain, between {@code @Retry} and {@code @Timeout}.
 */
public class CircuitBreakerFeature implements PolicyFeature<CircuitBreaker>, SignalsAware {

	private final CircuitBreakerRegistry registry;

	/**
	 * Create the capability.
	 * @param registry the registry of breakers
	 */
	public CircuitBreakerFeature(CircuitBreakerRegistry registry) {
		this.registry = registry;
	}

	@Override
	public Class<CircuitBreaker> annotationType() {
		return CircuitBreaker.class;
	}

	@Override
	public int order() {
		return CIRCUIT_BREAKER;
	}

	@Override
	public String kind() {
		return CircuitBreakerRegistry.KIND;
	}

	@Override
	public Set<String> configuredInstances() {
		// instances configured only by properties are used through the registry
		return Set.of();
	}

	@Override
	public Invoker decorate(MethodContext method, CircuitBreaker annotation, Invoker next) {
		String name = method.instanceName(annotation.name());
		BreakerSettings settings = this.registry.resolve(method.settings(kind(), "CircuitBreaker", name), annotation);
		Circuit circuit = this.registry.obtain(settings, method.description() + " of bean '" + method.beanName() + "'");
		return AdmissionInvokers.create(method, new CircuitAdmission(circuit), next);
	}

	@Override
	public void signals(Signals signals) {
		this.registry.catalog().forEachNowAndLater((name, circuit) -> {
			circuit.signals(signals);
			circuit.onStateChange((from, to) -> signals.circuitStateChanged(name, from, to));
		});
	}

}
