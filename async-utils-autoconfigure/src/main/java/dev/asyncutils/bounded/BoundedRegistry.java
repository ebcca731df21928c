package dev.asyncutils.bounded;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.SmartInitializingSingleton;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.core.AsyncUtilsConfigurationException;
import dev.asyncutils.core.NamedInstances;
import dev.asyncutils.core.Settings;
import dev.asyncutils.core.Settings.Setting;

/**
 * Every bounded instance by name: the limits of {@code @Bounded} methods, and the ones
 * configured under {@code async-utils.bounded.instances} only. Inject it to use the same
 * limit around code without annotations:
 *
 * <pre class="code">
 * BoundedLimiter reports = bounded.get("reports");
 * reports.acquire(); // waits up to max-wait, or throws
 * try {
 *     render();
 * }
 * finally {
 *     reports.release();
 * }
 * </pre>
 */
public class BoundedRegistry implements SmartInitializingSingleton {

	private final BoundedProperties properties;

	private final NamedInstances<BoundedSettings, BoundedLimiter> limiters = new NamedInstances<>();

	/**
	 * Create a registry.
	 * @param properties the {@code async-utils.bounded} properties
	 */
	public BoundedRegistry(BoundedProperties properties) {
		this.properties = properties;
	}

	/**
	 * Return the limiter of an instance name. An instance that no {@code @Bounded} method
	 * uses is created from its properties on first use.
	 * @param name the instance name
	 * @return the shared limiter
	 * @throws IllegalArgumentException if no method uses that name and no property
	 * configures it
	 */
	public BoundedLimiter get(String name) {
		BoundedLimiter limiter = this.limiters.find(name);
		if (limiter != null) {
			return limiter;
		}
		if (!this.properties.getInstances().containsKey(name)) {
			throw new IllegalArgumentException("No bounded instance '" + name
					+ "': no @Bounded method uses that name and 'async-utils.bounded.instances." + name
					+ ".max-concurrent' is not set");
		}
		BoundedSettings settings = resolve(Settings.forConfiguredInstance("bounded", "Bounded", name), null);
		return obtain(settings, "property 'async-utils.bounded.instances." + name + "'");
	}

	/**
	 * Return every instance by name.
	 * @return the limiters
	 */
	public Map<String, BoundedLimiter> all() {
		return this.limiters.all();
	}

	/**
	 * Create every instance configured in properties, so their settings are checked at
	 * startup.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		this.properties.getInstances().keySet().forEach(this::get);
	}

	BoundedLimiter obtain(BoundedSettings settings, String origin) {
		return this.limiters.obtain(settings.name(), settings, origin, BoundedLimiter::new,
				(existing, existingOrigin, requested) -> new AsyncUtilsConfigurationException(
						"@Bounded(name = \"" + settings.name() + "\") on " + origin, requested.toString(),
						"conflicts with " + existing + " of the same instance on " + existingOrigin
								+ "; methods sharing a name must agree, or set the values once under "
								+ "async-utils.bounded.instances." + settings.name()));
	}

	/**
	 * Resolve the effective settings of one bounded instance.
	 * @param settings the resolver for that instance
	 * @param annotation the annotation, {@code null} for a property-only instance
	 * @return the validated settings
	 */
	BoundedSettings resolve(Settings settings, @Nullable Bounded annotation) {
		String name = settings.instance();
		BoundedProperties.Spec instance = this.properties.getInstances().get(name);
		BoundedProperties.Spec defaults = this.properties.getDefaults();
		Setting<Integer> maxConcurrent = settings.pick("value", "max-concurrent",
				(instance != null) ? instance.getMaxConcurrent() : null,
				(annotation != null) ? Settings.unlessUnset(annotation.value(), 0) : null, defaults.getMaxConcurrent(),
				null);
		if (maxConcurrent.value() == null) {
			throw settings.missing("value", "max-concurrent");
		}
		if (maxConcurrent.required() < 1) {
			throw settings.invalid(maxConcurrent, "must be at least 1");
		}
		Setting<Duration> maxWait = settings.pick("maxWait", "max-wait",
				(instance != null) ? instance.getMaxWait() : null,
				(annotation != null) ? settings.duration("maxWait", annotation.maxWait()) : null, defaults.getMaxWait(),
				null);
		if (maxWait.value() != null && maxWait.required().isNegative()) {
			throw settings.invalid(maxWait, "must not be negative");
		}
		Setting<Integer> maxQueued = settings.pick("maxQueued", "max-queued",
				(instance != null) ? instance.getMaxQueued() : null,
				(annotation != null) ? Settings.unlessUnset(annotation.maxQueued(), -1) : null, defaults.getMaxQueued(),
				null);
		if (maxQueued.value() != null && maxQueued.required() < 0) {
			throw settings.invalid(maxQueued, "must not be negative (leave it unset for no limit)");
		}
		return new BoundedSettings(name, maxConcurrent.required(), maxWait.value(), maxQueued.value());
	}

}
