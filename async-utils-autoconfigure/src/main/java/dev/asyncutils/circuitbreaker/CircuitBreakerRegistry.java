package dev.asyncutils.circuitbreaker;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.annotation.CircuitBreaker;
import dev.asyncutils.core.InstanceRegistry;
import dev.asyncutils.core.ReadableSettings;
import dev.asyncutils.core.Settings;
import dev.asyncutils.core.Settings.Setting;

/**
 * Every circuit breaker by name: those of {@code @CircuitBreaker} methods, and those
 * configured under {@code async-utils.circuit-breaker.instances} only. Inject it to read
 * a breaker's state:
 *
 * <pre class="code">
 * if (breakers.get("inventory").state() == CircuitState.OPEN) {
 *     return cachedStock(sku);
 * }
 * </pre>
 */
public class CircuitBreakerRegistry extends InstanceRegistry<CircuitBreaker, BreakerSettings, Circuit> {

	static final String KIND = "circuit-breaker";

	static final int DEFAULT_FAILURE_RATE_THRESHOLD = 50;

	static final int DEFAULT_SLOW_CALL_RATE_THRESHOLD = 100;

	static final int DEFAULT_MINIMUM_CALLS = 20;

	static final int DEFAULT_WINDOW_CALLS = 100;

	static final int MAX_WINDOW_CALLS = 1_000_000;

	static final Duration DEFAULT_WAIT_IN_OPEN = Duration.ofSeconds(30);

	static final int DEFAULT_HALF_OPEN_CALLS = 5;

	private static final Duration MAX_DURATION = Duration.ofNanos(Long.MAX_VALUE);

	private final CircuitBreakerProperties properties;

	private final LongSupplier clock;

	/**
	 * Create a registry.
	 * @param properties the {@code async-utils.circuit-breaker} properties
	 * @param clock the time in nanoseconds ({@code System::nanoTime})
	 */
	public CircuitBreakerRegistry(CircuitBreakerProperties properties, LongSupplier clock) {
		super(KIND, "CircuitBreaker", "failure-rate-threshold");
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Return the breaker of a name: one an annotated method uses, or one configured under
	 * {@code async-utils.circuit-breaker.instances.<name>}.
	 * @param name the instance name
	 * @return the shared breaker
	 * @throws IllegalArgumentException if no method uses that name and no property
	 * configures it
	 */
	@Override
	public Circuit get(String name) {
		if (catalog().find(name) == null && !configuredNames().contains(name)) {
			throw new IllegalArgumentException("No circuit breaker '" + name
					+ "': no @CircuitBreaker method uses that name and no property configures it under '"
					+ ReadableSettings.instanceProperty(KIND, name, "") + "'");
		}
		return super.get(name);
	}

	/**
	 * Return the breaker of a name for code without annotations, creating it from the
	 * given attributes (in the place of the annotation's: {@code instances.<name>.*}
	 * still wins, {@code defaults.*} fill the rest) on first use.
	 * @param name the instance name
	 * @param attributes the values set in the annotation's place
	 * @param origin who asks, for messages
	 * @return the shared breaker
	 * @throws dev.asyncutils.core.AsyncUtilsConfigurationException on a bad value, or if
	 * the breaker exists with other settings
	 */
	public Circuit obtain(String name, BreakerAttributes attributes, String origin) {
		BreakerSettings settings = resolve(Settings.forConfiguredInstance(KIND, "CircuitBreaker", name), attributes);
		return obtain(name, settings, origin);
	}

	Circuit obtain(BreakerSettings settings, String origin) {
		return obtain(settings.name(), settings, origin);
	}

	@Override
	protected Set<String> configuredNames() {
		return this.properties.getInstances().keySet();
	}

	@Override
	protected Circuit create(BreakerSettings settings) {
		return new Circuit(settings, this.clock);
	}

	@Override
	protected BreakerSettings resolve(Settings settings, @Nullable CircuitBreaker annotation) {
		return resolve(settings,
				(annotation != null) ? BreakerAttributes.of(annotation, settings) : BreakerAttributes.NONE);
	}

	/**
	 * Resolve the effective settings of one breaker.
	 * @param settings the resolver of the instance
	 * @param attributes what the annotation (or a step in its place) sets
	 * @return the validated settings
	 */
	BreakerSettings resolve(Settings settings, BreakerAttributes attributes) {
		CircuitBreakerProperties.Spec instance = this.properties.getInstances().get(settings.instance());
		if (instance == null) {
			instance = new CircuitBreakerProperties.Spec();
		}
		CircuitBreakerProperties.Spec defaults = this.properties.getDefaults();
		int failureRate = percent(settings,
				settings.pick("failureRateThreshold", "failure-rate-threshold", instance.getFailureRateThreshold(),
						attributes.failureRateThreshold(), defaults.getFailureRateThreshold(),
						DEFAULT_FAILURE_RATE_THRESHOLD));
		Setting<Duration> slowCallDuration = settings.pick("slowCallDuration", "slow-call-duration",
				instance.getSlowCallDuration(), attributes.slowCallDuration(), defaults.getSlowCallDuration(), null);
		if (slowCallDuration.value() != null) {
			positive(settings, slowCallDuration);
		}
		int slowCallRate = percent(settings,
				settings.pick("slowCallRateThreshold", "slow-call-rate-threshold", instance.getSlowCallRateThreshold(),
						attributes.slowCallRateThreshold(), defaults.getSlowCallRateThreshold(),
						DEFAULT_SLOW_CALL_RATE_THRESHOLD));
		Setting<Integer> windowCalls = settings.pick("windowCalls", "window-calls", instance.getWindowCalls(),
				attributes.windowCalls(), defaults.getWindowCalls(), DEFAULT_WINDOW_CALLS);
		Setting<Duration> windowDuration = settings.pick("windowDuration", "window-duration",
				instance.getWindowDuration(), attributes.windowDuration(), defaults.getWindowDuration(), null);
		int callsRank = rank(instance.getWindowCalls(), attributes.windowCalls(), defaults.getWindowCalls());
		int durationRank = rank(instance.getWindowDuration(), attributes.windowDuration(),
				defaults.getWindowDuration());
		boolean timeBased = durationRank <= callsRank && windowDuration.value() != null;
		if (timeBased && durationRank == callsRank) {
			throw settings.invalid(windowDuration,
					"set either windowDuration (a time-based window) or windowCalls "
							+ "(a count-based one) here, not both; found windowCalls = " + windowCalls.display()
							+ " in " + windowCalls.source());
		}
		if (timeBased) {
			positive(settings, windowDuration);
		}
		else if (windowCalls.required() < 1 || windowCalls.required() > MAX_WINDOW_CALLS) {
			throw settings.invalid(windowCalls, "must be between 1 and " + MAX_WINDOW_CALLS);
		}
		Setting<Integer> minimumCalls = settings.pick("minimumCalls", "minimum-calls", instance.getMinimumCalls(),
				attributes.minimumCalls(), defaults.getMinimumCalls(), DEFAULT_MINIMUM_CALLS);
		if (minimumCalls.required() < 1) {
			throw settings.invalid(minimumCalls, "must be at least 1");
		}
		if (!timeBased && minimumCalls.required() > windowCalls.required()) {
			throw settings.invalid(minimumCalls, "must not exceed the window of " + windowCalls.required()
					+ " calls (from " + windowCalls.source() + "): the breaker could never open");
		}
		Setting<Duration> waitInOpen = settings.pick("waitInOpen", "wait-in-open", instance.getWaitInOpen(),
				attributes.waitInOpen(), defaults.getWaitInOpen(), DEFAULT_WAIT_IN_OPEN);
		positive(settings, waitInOpen);
		Setting<Integer> halfOpenCalls = settings.pick("halfOpenCalls", "half-open-calls", instance.getHalfOpenCalls(),
				attributes.halfOpenCalls(), defaults.getHalfOpenCalls(), DEFAULT_HALF_OPEN_CALLS);
		if (halfOpenCalls.required() < 1) {
			throw settings.invalid(halfOpenCalls, "must be at least 1");
		}
		List<Class<? extends Throwable>> recordOn = settings.throwableTypes(settings.pick("recordOn", "record-on",
				instance.getRecordOn(), attributes.recordOn(), defaults.getRecordOn(), List.of(Exception.class)));
		List<Class<? extends Throwable>> ignoreOn = settings.throwableTypes(settings.pick("ignoreOn", "ignore-on",
				instance.getIgnoreOn(), attributes.ignoreOn(), defaults.getIgnoreOn(), List.of()));
		return new BreakerSettings(settings.instance(), failureRate, slowCallDuration.value(), slowCallRate,
				minimumCalls.required(), timeBased ? 0 : windowCalls.required(),
				timeBased ? windowDuration.value() : null, waitInOpen.required(), halfOpenCalls.required(), recordOn,
				ignoreOn);
	}

	/**
	 * Where a value comes from: 0 instance property, 1 annotation, 2 defaults, 3 none.
	 */
	private static int rank(@Nullable Object fromInstance, @Nullable Object fromAnnotation,
			@Nullable Object fromDefaults) {
		return (fromInstance != null) ? 0 : (fromAnnotation != null) ? 1 : (fromDefaults != null) ? 2 : 3;
	}

	private static int percent(Settings settings, Setting<Integer> percent) {
		if (percent.required() < 1 || percent.required() > 100) {
			throw settings.invalid(percent, "must be a percentage between 1 and 100");
		}
		return percent.required();
	}

	private static void positive(Settings settings, Setting<Duration> duration) {
		if (duration.required().isNegative() || duration.required().isZero()) {
			throw settings.invalid(duration, "must be positive");
		}
		if (duration.required().compareTo(MAX_DURATION) > 0) {
			throw settings.invalid(duration, "is too long: at most " + MAX_DURATION.toDays() / 365
					+ " years (the most nanoseconds a long holds)");
		}
	}

}
