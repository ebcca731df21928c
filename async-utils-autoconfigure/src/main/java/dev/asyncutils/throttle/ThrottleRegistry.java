package dev.asyncutils.throttle;

import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.SmartInitializingSingleton;

import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.core.AsyncUtilsConfigurationException;
import dev.asyncutils.core.NamedInstances;
import dev.asyncutils.core.Settings;
import dev.asyncutils.core.Settings.Setting;

/**
 * Every throttle instance by name: the buckets of {@code @Throttle} methods, and the ones
 * configured under {@code async-utils.throttle.instances} only. Inject it to use the same
 * bucket around code without annotations:
 *
 * <pre class="code">
 * throttles.get("payments").acquire(); // waits up to max-wait, or throws
 * </pre>
 */
public class ThrottleRegistry implements SmartInitializingSingleton {

	static final Duration DEFAULT_PER = Duration.ofSeconds(1);

	private final ThrottleProperties properties;

	private final LongSupplier clock;

	private final NamedInstances<ThrottleSettings, TokenBucket> buckets = new NamedInstances<>();

	/**
	 * Create a registry on the system clock.
	 * @param properties the {@code async-utils.throttle} properties
	 */
	public ThrottleRegistry(ThrottleProperties properties) {
		this(properties, System::nanoTime);
	}

	/**
	 * Create a registry on the given clock.
	 * @param properties the {@code async-utils.throttle} properties
	 * @param clock a {@link System#nanoTime()}-like clock
	 */
	public ThrottleRegistry(ThrottleProperties properties, LongSupplier clock) {
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Return the bucket of an instance name. An instance that no {@code @Throttle} method
	 * uses is created from its properties on first use.
	 * @param name the instance name
	 * @return the shared bucket
	 * @throws IllegalArgumentException if no method uses that name and no property
	 * configures it
	 */
	public TokenBucket get(String name) {
		TokenBucket bucket = this.buckets.find(name);
		if (bucket != null) {
			return bucket;
		}
		if (!this.properties.getInstances().containsKey(name)) {
			throw new IllegalArgumentException("No throttle instance '" + name
					+ "': no @Throttle method uses that name and 'async-utils.throttle.instances." + name
					+ ".rate' is not set");
		}
		ThrottleSettings settings = resolve(Settings.forConfiguredInstance("throttle", "Throttle", name), null);
		return obtain(settings, "property 'async-utils.throttle.instances." + name + "'");
	}

	/**
	 * Return every instance by name.
	 * @return the buckets
	 */
	public Map<String, TokenBucket> all() {
		return this.buckets.all();
	}

	/**
	 * Create every instance configured in properties, so their settings are checked at
	 * startup.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		this.properties.getInstances().keySet().forEach(this::get);
	}

	TokenBucket obtain(ThrottleSettings settings, String origin) {
		return this.buckets.obtain(settings.name(), settings, origin,
				(validated) -> new TokenBucket(validated, this.clock), (existing, existingOrigin, requested) -> {
					return new AsyncUtilsConfigurationException(
							"@Throttle(name = \"" + settings.name() + "\") on " + origin, requested.toString(),
							"conflicts with " + existing + " of the same instance on " + existingOrigin
									+ "; methods sharing a name must agree, or set the values once under "
									+ "async-utils.throttle.instances." + settings.name());
				});
	}

	/**
	 * Resolve the effective settings of one throttle instance.
	 * @param settings the resolver for that instance
	 * @param annotation the annotation, {@code null} for a property-only instance
	 * @return the validated settings
	 */
	ThrottleSettings resolve(Settings settings, @Nullable Throttle annotation) {
		String name = settings.instance();
		ThrottleProperties.Spec instance = this.properties.getInstances().get(name);
		ThrottleProperties.Spec defaults = this.properties.getDefaults();
		Setting<Double> rate = settings.pick("rate", "rate", (instance != null) ? instance.getRate() : null,
				(annotation != null) ? Settings.unlessUnset(annotation.rate(), 0.0) : null, defaults.getRate(), null);
		if (rate.value() == null) {
			throw settings.missing("rate", "rate");
		}
		if (!(rate.required() > 0) || rate.required().isInfinite()) {
			throw settings.invalid(rate, "must be greater than 0");
		}
		Setting<Duration> per = settings.pick("per", "per", (instance != null) ? instance.getPer() : null,
				(annotation != null) ? settings.duration("per", annotation.per()) : null, defaults.getPer(),
				DEFAULT_PER);
		if (per.required().isNegative() || per.required().isZero()) {
			throw settings.invalid(per, "must be positive");
		}
		Setting<Integer> burst = settings.pick("burst", "burst", (instance != null) ? instance.getBurst() : null,
				(annotation != null) ? Settings.unlessUnset(annotation.burst(), 0) : null, defaults.getBurst(),
				(int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil(rate.required()))));
		if (burst.required() < 1) {
			throw settings.invalid(burst, "must be at least 1");
		}
		Setting<Duration> maxWait = settings.pick("maxWait", "max-wait",
				(instance != null) ? instance.getMaxWait() : null,
				(annotation != null) ? settings.duration("maxWait", annotation.maxWait()) : null, defaults.getMaxWait(),
				null);
		if (maxWait.value() != null && maxWait.required().isNegative()) {
			throw settings.invalid(maxWait, "must not be negative");
		}
		ThrottleSettings resolved = new ThrottleSettings(name, rate.required(), per.required(), burst.required(),
				maxWait.value());
		long interval;
		try {
			interval = resolved.intervalNanos();
		}
		catch (ArithmeticException ex) {
			throw settings.invalid(per, "is too long for a rate of " + rate.display());
		}
		if (interval > Long.MAX_VALUE / 4 / burst.required()) {
			throw settings.invalid(burst, "times the time between permits (" + Duration.ofNanos(interval)
					+ ") is too long a time to track; lower the burst or raise the rate");
		}
		return resolved;
	}

}
