package dev.asyncutils.retry;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.annotation.Retry;
import dev.asyncutils.core.InstanceCatalog;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.MethodContext;
import dev.asyncutils.core.PolicyFeature;
import dev.asyncutils.core.Settings;
import dev.asyncutils.core.Settings.Setting;

/**
 * The {@code @Retry} capability: resolves and validates each method's retry settings at
 * startup and wraps its chain with the invoker for its return kind.
 */
public class RetryFeature implements PolicyFeature<Retry> {

	static final int DEFAULT_MAX_ATTEMPTS = 3;

	static final Duration DEFAULT_DELAY = Duration.ofMillis(100);

	static final double DEFAULT_MULTIPLIER = 2.0;

	static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(10);

	static final double DEFAULT_JITTER = 0.0;

	private static final List<Class<? extends Throwable>> DEFAULT_RETRY_ON = List.of(Exception.class);

	private final RetryProperties properties;

	private final InstanceCatalog<RetryStats> instances = new InstanceCatalog<>();

	/**
	 * Create the capability.
	 * @param properties the {@code async-utils.retry} properties
	 */
	public RetryFeature(RetryProperties properties) {
		this.properties = properties;
	}

	@Override
	public Class<Retry> annotationType() {
		return Retry.class;
	}

	@Override
	public int order() {
		return RETRY;
	}

	@Override
	public String kind() {
		return "retry";
	}

	@Override
	public Set<String> configuredInstances() {
		return this.properties.getInstances().keySet();
	}

	@Override
	public boolean reinvokes() {
		return true;
	}

	@Override
	public Invoker decorate(MethodContext method, Retry annotation, Invoker next) {
		RetrySettings settings = resolve(method, annotation);
		RetryStats stats = this.instances.obtain(settings.name(), (name) -> new RetryStats());
		stats.method(method.description(), settings);
		return switch (method.returnKind()) {
			case PLAIN -> new PlainRetryInvoker(settings, stats, next, method.asyncUtilsScheduler());
			case COMPLETION_STAGE -> new StageRetryInvoker(settings, stats, next, method.scheduler());
			case MONO -> ReactiveRetry.mono(settings, stats, next, method.asyncUtilsScheduler());
			case FLUX -> ReactiveRetry.flux(settings, stats, next, method.asyncUtilsScheduler());
		};
	}

	/**
	 * Return every retry instance by name, for metrics and the actuator endpoint.
	 * @return the catalog of instances
	 */
	public InstanceCatalog<RetryStats> instances() {
		return this.instances;
	}

	/**
	 * Resolve the effective settings of {@code @Retry} on one method.
	 * @param method the method
	 * @param annotation its annotation
	 * @return the validated settings
	 */
	RetrySettings resolve(MethodContext method, Retry annotation) {
		String name = method.instanceName(annotation.name());
		Settings settings = method.settings(kind(), "Retry", name);
		RetryProperties.Spec instance = this.properties.getInstances().get(name);
		RetryProperties.Spec defaults = this.properties.getDefaults();

		Setting<Integer> maxAttempts = settings.pick("maxAttempts", "max-attempts",
				(instance != null) ? instance.getMaxAttempts() : null,
				Settings.unlessUnset(annotation.maxAttempts(), 0), defaults.getMaxAttempts(), DEFAULT_MAX_ATTEMPTS);
		if (maxAttempts.required() < 1) {
			throw settings.invalid(maxAttempts, "must be at least 1");
		}
		Setting<Duration> delay = settings.pick("delay", "delay", (instance != null) ? instance.getDelay() : null,
				settings.duration("delay", annotation.delay()), defaults.getDelay(), DEFAULT_DELAY);
		if (delay.required().isNegative()) {
			throw settings.invalid(delay, "must not be negative");
		}
		Setting<Double> multiplier = settings.pick("multiplier", "multiplier",
				(instance != null) ? instance.getMultiplier() : null,
				Settings.unlessUnset(annotation.multiplier(), 0.0), defaults.getMultiplier(), DEFAULT_MULTIPLIER);
		if (!(multiplier.required() >= 1.0) || multiplier.required().isInfinite()) {
			throw settings.invalid(multiplier, "must be at least 1.0 (1.0 keeps the delay fixed)");
		}
		Setting<Duration> maxDelay = settings.pick("maxDelay", "max-delay",
				(instance != null) ? instance.getMaxDelay() : null,
				settings.duration("maxDelay", annotation.maxDelay()), defaults.getMaxDelay(), DEFAULT_MAX_DELAY);
		if (maxDelay.required().isNegative() || maxDelay.required().isZero()) {
			throw settings.invalid(maxDelay, "must be positive");
		}
		if (maxDelay.required().compareTo(delay.required()) < 0) {
			throw settings.invalid(maxDelay,
					"must not be less than the delay (" + settings.display(delay) + " from " + delay.source() + ")");
		}
		Setting<Double> jitter = settings.pick("jitter", "jitter", (instance != null) ? instance.getJitter() : null,
				Settings.unlessUnset(annotation.jitter(), -1.0), defaults.getJitter(), DEFAULT_JITTER);
		if (!(jitter.required() >= 0.0 && jitter.required() <= 1.0)) {
			throw settings.invalid(jitter, "must be between 0 and 1 (a fraction of each wait)");
		}
		Setting<Duration> maxDuration = settings.pick("maxDuration", "max-duration",
				(instance != null) ? instance.getMaxDuration() : null,
				settings.duration("maxDuration", annotation.maxDuration()), defaults.getMaxDuration(), null);
		Duration maxDurationValue = maxDuration.value();
		if (maxDurationValue != null && (maxDurationValue.isNegative() || maxDurationValue.isZero())) {
			throw settings.invalid(maxDuration, "must be positive");
		}
		List<Class<? extends Throwable>> retryOn = types(settings, "retryOn", "retry-on",
				(instance != null) ? instance.getRetryOn() : null, Settings.unlessEmpty(annotation.retryOn()),
				defaults.getRetryOn(), DEFAULT_RETRY_ON);
		List<Class<? extends Throwable>> abortOn = types(settings, "abortOn", "abort-on",
				(instance != null) ? instance.getAbortOn() : null, Settings.unlessEmpty(annotation.abortOn()),
				defaults.getAbortOn(), List.of());
		return RetrySettings.of(name, maxAttempts.required(), delay.required(), multiplier.required(),
				maxDelay.required(), jitter.required(), maxDurationValue, retryOn, abortOn);
	}

	private static List<Class<? extends Throwable>> types(Settings settings, String attribute, String property,
			@Nullable List<Class<? extends Throwable>> fromInstance,
			@Nullable List<Class<? extends Throwable>> fromAnnotation,
			@Nullable List<Class<? extends Throwable>> fromDefaults, List<Class<? extends Throwable>> builtIn) {
		return settings
			.throwableTypes(settings.pick(attribute, property, fromInstance, fromAnnotation, fromDefaults, builtIn));
	}

}
