package dev.asyncutils.bounded;

import java.util.Set;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.MethodContext;
import dev.asyncutils.core.PolicyFeature;
import dev.asyncutils.core.admission.AdmissionInvokers;

/**
 * The {@code @Bounded} capability: resolves each method's limit at startup (shared by
 * instance name through the {@link BoundedRegistry}) and wraps its chain with the
 * admission engine's invoker for its return kind.
 */
public class BoundedFeature implements PolicyFeature<Bounded> {

	private final BoundedRegistry registry;

	/**
	 * Create the capability.
	 * @param registry the registry of limits
	 */
	public BoundedFeature(BoundedRegistry registry) {
		this.registry = registry;
	}

	@Override
	public Class<Bounded> annotationType() {
		return Bounded.class;
	}

	@Override
	public int order() {
		return BOUNDED;
	}

	@Override
	public String kind() {
		return "bounded";
	}

	@Override
	public Set<String> configuredInstances() {
		// instances configured only by properties are used through the registry
		return Set.of();
	}

	@Override
	public Invoker decorate(MethodContext method, Bounded annotation, Invoker next) {
		String name = method.instanceName(annotation.name());
		BoundedSettings settings = this.registry.resolve(method.settings(kind(), "Bounded", name), annotation);
		BoundedLimiter limiter = this.registry.obtain(settings,
				method.description() + " of bean '" + method.beanName() + "'");
		return AdmissionInvokers.create(method, CallBounded.of(method, annotation, limiter), next);
	}

}
