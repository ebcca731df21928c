package dev.asyncutils.throttle;

import java.util.Set;

import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.MethodContext;
import dev.asyncutils.core.PolicyFeature;
import dev.asyncutils.core.admission.AdmissionInvokers;

/**
 * The {@code @Throttle} capability: resolves each method's bucket at startup (shared by
 * instance name through the {@link ThrottleRegistry}) and wraps its chain with the
 * admission engine's invoker for its return kind.
 */
public class ThrottleFeature implements PolicyFeature<Throttle> {

	private final ThrottleRegistry registry;

	/**
	 * Create the capability.
	 * @param registry the registry of buckets
	 */
	public ThrottleFeature(ThrottleRegistry registry) {
		this.registry = registry;
	}

	@Override
	public Class<Throttle> annotationType() {
		return Throttle.class;
	}

	@Override
	public int order() {
		return THROTTLE;
	}

	@Override
	public String kind() {
		return "throttle";
	}

	@Override
	public Set<String> configuredInstances() {
		// instances configured only by properties are used through the registry
		return Set.of();
	}

	@Override
	public Invoker decorate(MethodContext method, Throttle annotation, Invoker next) {
		String name = method.instanceName(annotation.name());
		ThrottleSettings settings = this.registry.resolve(method.settings(kind(), "Throttle", name), annotation);
		TokenBucket bucket = this.registry.obtain(settings,
				method.description() + " of bean '" + method.beanName() + "'");
		bucket.keyTimer(method.scheduler());
		return AdmissionInvokers.create(method, CallThrottle.of(method, annotation, bucket), next);
	}

}
