package dev.asyncutils.bounded;

import java.util.Set;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.MethodContext;
import dev.asyncutils.core.PolicyFeature;
import dev.asyncutils.core.ReactorSupport;

/**
 * The {@code @Bounded} capability: resolves each method's limit at startup (shared by
 * instance name through the {@link BoundedRegistry}) and wraps its chain with the invoker
 * for its return kind.
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
		RemoteSlots remote = limiter.remoteSlots();
		if (remote != null) {
			return switch (method.returnKind()) {
				case PLAIN -> RemoteBoundedInvokers.plain(remote, next);
				case COMPLETION_STAGE -> RemoteBoundedInvokers.stage(remote, next, method.scheduler());
				case MONO ->
					ReactiveRemoteBounded.mono(remote, next, ReactorSupport.scheduler(method.asyncUtilsScheduler()));
				case FLUX ->
					ReactiveRemoteBounded.flux(remote, next, ReactorSupport.scheduler(method.asyncUtilsScheduler()));
			};
		}
		return switch (method.returnKind()) {
			case PLAIN -> new PlainBoundedInvoker(limiter, next);
			case COMPLETION_STAGE -> new StageBoundedInvoker(limiter, next, method.scheduler());
			case MONO -> ReactiveBounded.mono(limiter, next, ReactorSupport.scheduler(method.asyncUtilsScheduler()));
			case FLUX -> ReactiveBounded.flux(limiter, next, ReactorSupport.scheduler(method.asyncUtilsScheduler()));
		};
	}

}
