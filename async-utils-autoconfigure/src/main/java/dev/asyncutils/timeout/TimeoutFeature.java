package dev.asyncutils.timeout;

import java.time.Duration;
import java.util.Set;

import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.core.InstanceCatalog;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.MethodContext;
import dev.asyncutils.core.PolicyFeature;
import dev.asyncutils.core.Settings;
import dev.asyncutils.core.Settings.Setting;

/**
 * The {@code @Timeout} capability: resolves each method's deadline and cleanup method at
 * startup and wraps its chain with the invoker for its return kind.
 */
public class TimeoutFeature implements PolicyFeature<Timeout> {

	static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

	private final TimeoutProperties properties;

	private final InstanceCatalog<TimeoutStats> instances = new InstanceCatalog<>();

	/**
	 * Create the capability.
	 * @param properties the {@code async-utils.timeout} properties
	 */
	public TimeoutFeature(TimeoutProperties properties) {
		this.properties = properties;
	}

	@Override
	public Class<Timeout> annotationType() {
		return Timeout.class;
	}

	@Override
	public int order() {
		return TIMEOUT;
	}

	@Override
	public String kind() {
		return "timeout";
	}

	@Override
	public Set<String> configuredInstances() {
		return this.properties.getInstances().keySet();
	}

	@Override
	public Invoker decorate(MethodContext method, Timeout annotation, Invoker next) {
		TimeoutSettings settings = resolve(method, annotation);
		TimeoutStats stats = this.instances.obtain(settings.name(), (name) -> new TimeoutStats());
		stats.method(method.description(), settings);
		if (settings.cleanup() != null) {
			method.runsUserCodeElsewhere();
		}
		return switch (method.returnKind()) {
			case PLAIN -> new PlainTimeoutInvoker(settings, stats, next, method.asyncUtilsScheduler().timer(),
					method.scheduler());
			case COMPLETION_STAGE -> new StageTimeoutInvoker(settings, stats, next,
					method.asyncUtilsScheduler().timer(), method.scheduler());
			case MONO -> ReactiveTimeout.mono(settings, stats, next, method.asyncUtilsScheduler());
			case FLUX -> ReactiveTimeout.flux(settings, stats, next, method.asyncUtilsScheduler());
		};
	}

	/**
	 * Return every timeout instance by name, for metrics and the actuator endpoint.
	 * @return the catalog of instances
	 */
	public InstanceCatalog<TimeoutStats> instances() {
		return this.instances;
	}

	/**
	 * Resolve the effective settings of {@code @Timeout} on one method.
	 * @param method the method
	 * @param annotation its annotation
	 * @return the validated settings
	 */
	TimeoutSettings resolve(MethodContext method, Timeout annotation) {
		String name = method.instanceName(annotation.name());
		Settings settings = method.settings(kind(), "Timeout", name);
		TimeoutProperties.Spec instance = this.properties.getInstances().get(name);
		Setting<Duration> timeout = settings.pick("value", "duration",
				(instance != null) ? instance.getDuration() : null, settings.duration("value", annotation.value()),
				this.properties.getDefaults().getDuration(), DEFAULT_TIMEOUT);
		if (timeout.required().isNegative() || timeout.required().isZero()) {
			throw settings.invalid(timeout, "must be positive");
		}
		CleanupMethod cleanup = annotation.cleanup().isEmpty() ? null
				: CleanupMethod.resolve(method, annotation.cleanup());
		return new TimeoutSettings(name, timeout.required(), cleanup);
	}

}
