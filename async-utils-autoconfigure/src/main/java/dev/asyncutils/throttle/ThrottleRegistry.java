package dev.asyncutils.throttle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;

import dev.asyncutils.backend.ThrottleBackend;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.backend.BackendSettings;
import dev.asyncutils.backend.Backends;
import dev.asyncutils.core.InstanceRegistry;
import dev.asyncutils.core.ReadableSettings;
import dev.asyncutils.core.Settings;
import dev.asyncutils.core.Settings.Setting;
import dev.asyncutils.core.admission.AdmissionInstance;

/**
 * Every throttle instance by name: the buckets of {@code @Throttle} methods, and the ones
 * configured under {@code async-utils.throttle.instances} only. Inject it to use the same
 * bucket around code without annotations:
 *
 * <pre class="code">
 * throttles.get("payments").acquire(); // waits up to max-wait, or throws
 * </pre>
 */
public class ThrottleRegistry extends InstanceRegistry<Throttle, ThrottleSettings, TokenBucket>
		implements DisposableBean {

	/** The property group of throttles: {@code async-utils.throttle}. */
	static final String KIND = "throttle";

	static final Duration DEFAULT_PER = Duration.ofSeconds(1);

	private final ThrottleProperties properties;

	private final LongSupplier clock;

	private final Supplier<@Nullable ThrottleBackend> backend;

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
		this(properties, clock, () -> null);
	}

	/**
	 * Create a registry on the given clock, with a remote backend for the instances whose
	 * {@code backend} property asks for one.
	 * @param properties the {@code async-utils.throttle} properties
	 * @param clock a {@link System#nanoTime()}-like clock
	 * @param backend supplies the remote backend, or {@code null} when no backend module
	 * is present
	 */
	public ThrottleRegistry(ThrottleProperties properties, LongSupplier clock,
			Supplier<@Nullable ThrottleBackend> backend) {
		super(KIND, "Throttle", "rate");
		this.properties = properties;
		this.clock = clock;
		this.backend = backend;
	}

	@Override
	protected Set<String> configuredNames() {
		return this.properties.getInstances().keySet();
	}

	@Override
	protected TokenBucket create(ThrottleSettings settings) {
		if (!settings.backend().isRemote()) {
			return new TokenBucket(settings, this.clock);
		}
		ThrottleBackend backend = this.backend.get();
		if (backend == null) {
			throw new IllegalStateException("No ThrottleBackend for " + settings);
		}
		return new TokenBucket(settings, this.clock, backend.throttle(settings));
	}

	/**
	 * End every call waiting for a permit of any instance, and refuse new waits: the
	 * application is shutting down. Idempotent.
	 */
	public void shutDown() {
		all().values().forEach((bucket) -> bucket.admission().shutDown());
	}

	@Override
	public void destroy() {
		shutDown();
	}

	TokenBucket obtain(ThrottleSettings settings, String origin) {
		return obtain(settings.name(), settings, origin);
	}

	/**
	 * Resolve the effective settings of one throttle instance.
	 * @param settings the resolver for that instance
	 * @param annotation the annotation, {@code null} for a property-only instance
	 * @return the validated settings
	 */
	@Override
	protected ThrottleSettings resolve(Settings settings, @Nullable Throttle annotation) {
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
		Duration maxWait = AdmissionInstance.maxWait(settings, (instance != null) ? instance.getMaxWait() : null,
				(annotation != null) ? annotation.maxWait() : null, defaults.getMaxWait());
		BackendSettings backend = Backends.resolve(settings, instance, defaults, false,
				() -> this.backend.get() != null);
		Setting<Integer> maxKeys = settings.pick("maxKeys", "max-keys",
				(instance != null) ? instance.getMaxKeys() : null, null, defaults.getMaxKeys(),
				ThrottleSettings.DEFAULT_MAX_KEYS);
		if (maxKeys.required() < 1) {
			throw settings.invalid(maxKeys, "must be at least 1");
		}
		List<ThrottleSettings.Limit> limits = resolveLimits(settings, instance, defaults);
		ThrottleSettings resolved = new ThrottleSettings(name, rate.required(), per.required(), burst.required(),
				maxWait, backend, limits, maxKeys.required());
		checkArithmetic(settings, rate, per, burst);
		return resolved;
	}

	/**
	 * Check that a limit's time between permits, and its burst of them, can be tracked in
	 * nanoseconds without overflow.
	 */
	private static void checkArithmetic(Settings settings, Setting<Double> rate, Setting<Duration> per,
			Setting<Integer> burst) {
		long interval;
		try {
			interval = ThrottleSettings.intervalNanos(rate.required(), per.required());
		}
		catch (ArithmeticException ex) {
			throw settings.invalid(per, "is too long for a rate of " + settings.display(rate));
		}
		if (interval > Long.MAX_VALUE / 4 / burst.required()) {
			throw settings.invalid(burst, "times the time between permits (" + Duration.ofNanos(interval)
					+ ") is too long a time to track; lower the burst or raise the rate");
		}
	}

	private static List<ThrottleSettings.Limit> resolveLimits(Settings settings,
			ThrottleProperties.@Nullable Spec instance, ThrottleProperties.Spec defaults) {
		List<ThrottleProperties.LimitSpec> specs = (instance != null) ? instance.getLimits() : null;
		String group = ReadableSettings.instanceProperty(KIND, settings.instance(), "");
		if (specs == null) {
			specs = defaults.getLimits();
			group = "async-utils." + KIND + ".defaults";
		}
		if (specs == null || specs.isEmpty()) {
			return List.of();
		}
		List<ThrottleSettings.Limit> limits = new ArrayList<>(specs.size());
		for (int i = 0; i < specs.size(); i++) {
			ThrottleProperties.LimitSpec spec = specs.get(i);
			String prefix = "property '" + group + ".limits[" + i + "].";
			if (spec.getRate() == null) {
				throw settings.invalid(new Setting<>(null, prefix + "rate'"),
						"is required: each limit needs a rate (and optionally per and burst)");
			}
			Setting<Double> rate = new Setting<>(spec.getRate(), prefix + "rate'");
			if (!(rate.required() > 0) || rate.required().isInfinite()) {
				throw settings.invalid(rate, "must be greater than 0");
			}
			Setting<Duration> per = new Setting<>((spec.getPer() != null) ? spec.getPer() : DEFAULT_PER,
					prefix + "per'");
			if (per.required().isNegative() || per.required().isZero()) {
				throw settings.invalid(per, "must be positive");
			}
			Setting<Integer> burst = new Setting<>(
					(spec.getBurst() != null) ? spec.getBurst()
							: (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil(rate.required()))),
					prefix + "burst'");
			if (burst.required() < 1) {
				throw settings.invalid(burst, "must be at least 1");
			}
			checkArithmetic(settings, rate, per, burst);
			limits.add(new ThrottleSettings.Limit(rate.required(), per.required(), burst.required()));
		}
		return List.copyOf(limits);
	}

}
