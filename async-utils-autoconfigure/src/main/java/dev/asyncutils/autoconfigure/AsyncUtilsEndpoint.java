package dev.asyncutils.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

import dev.asyncutils.backend.BackendSettings;
import dev.asyncutils.backend.RemoteInstance;
import dev.asyncutils.batch.BatchMeters;
import dev.asyncutils.batch.BatchOptions;
import dev.asyncutils.batch.BatchProcessor;
import dev.asyncutils.batch.DefaultBatchProcessor;
import dev.asyncutils.bounded.BoundedLimiter;
import dev.asyncutils.bounded.BoundedRegistry;
import dev.asyncutils.debounce.DebounceFeature;
import dev.asyncutils.debounce.DebounceStats;
import dev.asyncutils.bounded.BoundedSettings;
import dev.asyncutils.circuitbreaker.CircuitBreakerRegistry;
import dev.asyncutils.circuitbreaker.CircuitDescription;
import dev.asyncutils.core.InstanceCatalog;
import dev.asyncutils.core.ReadableSettings;
import dev.asyncutils.fallback.FallbackFeature;
import dev.asyncutils.fallback.FallbackStats;
import dev.asyncutils.retry.RetryFeature;
import dev.asyncutils.retry.RetrySettings;
import dev.asyncutils.retry.RetryStats;
import dev.asyncutils.throttle.ThrottleRegistry;
import dev.asyncutils.throttle.ThrottleSettings;
import dev.asyncutils.throttle.TokenBucket;
import dev.asyncutils.timeout.TimeoutFeature;
import dev.asyncutils.timeout.TimeoutSettings;
import dev.asyncutils.timeout.TimeoutStats;

/**
 * The read-only {@code asyncutils} actuator endpoint: every instance by kind with its
 * effective settings (after property merging) and its live state.
 * {@code GET /actuator/asyncutils} lists them all; {@code GET
 * /actuator/asyncutils/{name}} shows the instances of one name (one per kind that uses
 * it), or answers 404.
 */
@Endpoint(id = "asyncutils")
public class AsyncUtilsEndpoint {

	private final ObjectProvider<ThrottleRegistry> throttles;

	private final ObjectProvider<BoundedRegistry> bounded;

	private final ObjectProvider<RetryFeature> retry;

	private final ObjectProvider<TimeoutFeature> timeout;

	private final ObjectProvider<DebounceFeature> debounce;

	private final ObjectProvider<FallbackFeature> fallback;

	private final ObjectProvider<BatchProcessor> batchProcessor;

	private final ObjectProvider<CircuitBreakerRegistry> breakers;

	/**
	 * Create the endpoint.
	 * @param throttles the throttle instances
	 * @param bounded the bounded instances
	 * @param retry the retry capability
	 * @param timeout the timeout capability
	 * @param fallback the fallback capability
	 * @param batchProcessor the batch processor
	 * @param debounce the debounce capability
	 * @param breakers the circuit breakers
	 */
	public AsyncUtilsEndpoint(ObjectProvider<ThrottleRegistry> throttles, ObjectProvider<BoundedRegistry> bounded,
			ObjectProvider<RetryFeature> retry, ObjectProvider<TimeoutFeature> timeout,
			ObjectProvider<FallbackFeature> fallback, ObjectProvider<BatchProcessor> batchProcessor,
			ObjectProvider<DebounceFeature> debounce, ObjectProvider<CircuitBreakerRegistry> breakers) {
		this.debounce = debounce;
		this.throttles = throttles;
		this.bounded = bounded;
		this.retry = retry;
		this.timeout = timeout;
		this.fallback = fallback;
		this.batchProcessor = batchProcessor;
		this.breakers = breakers;
	}

	/**
	 * List every instance by kind.
	 * @return the instances: {@code throttles}, {@code retries}, {@code timeouts},
	 * {@code bounded}, {@code fallbacks}, {@code circuitBreakers} by name, and
	 * {@code batch}
	 */
	@ReadOperation
	public Map<String, Object> instances() {
		Map<String, Object> all = new LinkedHashMap<>();
		all.put("throttles", throttles(null));
		all.put("retries", retries(null));
		all.put("timeouts", timeouts(null));
		all.put("bounded", bounded(null));
		all.put("fallbacks", fallbacks(null));
		all.put("circuitBreakers", circuitBreakers(null));
		all.put("debounces", debounces(null));
		BatchProcessor processor = this.batchProcessor.getIfAvailable();
		if (processor != null) {
			all.put("batch", batch(processor));
		}
		return all;
	}

	/**
	 * Show the instances of one name.
	 * @param name the instance name
	 * @return the instance of that name for every kind that has one, or {@code null}
	 * (404) if none has
	 */
	@ReadOperation
	public @Nullable Map<String, Object> instance(@Selector String name) {
		Map<String, Object> found = new LinkedHashMap<>();
		putIfPresent(found, "throttle", throttles(name).get(name));
		putIfPresent(found, "retry", retries(name).get(name));
		putIfPresent(found, "timeout", timeouts(name).get(name));
		putIfPresent(found, "bounded", bounded(name).get(name));
		putIfPresent(found, "fallback", fallbacks(name).get(name));
		putIfPresent(found, "circuitBreaker", circuitBreakers(name).get(name));
		putIfPresent(found, "debounce", debounces(name).get(name));
		BatchProcessor processor = this.batchProcessor.getIfAvailable();
		if (processor != null && BatchMeters.NAME.equals(name)) {
			found.put("batch", batch(processor));
		}
		return found.isEmpty() ? null : found;
	}

	private Map<String, Object> throttles(@Nullable String only) {
		ThrottleRegistry registry = this.throttles.getIfAvailable();
		return list((registry != null) ? registry.catalog() : null, only, AsyncUtilsEndpoint::describe);
	}

	private Map<String, Object> bounded(@Nullable String only) {
		BoundedRegistry registry = this.bounded.getIfAvailable();
		return list((registry != null) ? registry.catalog() : null, only, AsyncUtilsEndpoint::describe);
	}

	private Map<String, Object> retries(@Nullable String only) {
		RetryFeature feature = this.retry.getIfAvailable();
		return list((feature != null) ? feature.instances() : null, only, AsyncUtilsEndpoint::describe);
	}

	private Map<String, Object> timeouts(@Nullable String only) {
		TimeoutFeature feature = this.timeout.getIfAvailable();
		return list((feature != null) ? feature.instances() : null, only, AsyncUtilsEndpoint::describe);
	}

	private Map<String, Object> fallbacks(@Nullable String only) {
		FallbackFeature feature = this.fallback.getIfAvailable();
		return list((feature != null) ? feature.instances() : null, only, AsyncUtilsEndpoint::describe);
	}

	private Map<String, Object> circuitBreakers(@Nullable String only) {
		CircuitBreakerRegistry registry = this.breakers.getIfAvailable();
		return list((registry != null) ? registry.catalog() : null, only,
				(circuit) -> CircuitDescription.of(circuit, AsyncUtilsEndpoint::format));
	}

	private Map<String, Object> debounces(@Nullable String only) {
		DebounceFeature feature = this.debounce.getIfAvailable();
		return list((feature != null) ? feature.instances() : null, only, AsyncUtilsEndpoint::describe);
	}

	private static Map<String, Object> describe(DebounceStats stats) {
		Map<String, Object> methods = new LinkedHashMap<>();
		stats.methods().forEach((method, settings) -> {
			Map<String, Object> effective = new LinkedHashMap<>();
			effective.put("delay", format(settings.delay()));
			effective.put("maxWait", format(settings.maxWait()));
			effective.put("key", settings.key());
			methods.put(method, effective);
		});
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("methods", methods);
		described.put("pendingKeys", stats.pendingKeys());
		described.put("calls", stats.callCount());
		described.put("runs", stats.runCount());
		return described;
	}

	/**
	 * Describe the instances of a catalog, or only the one of a given name.
	 */
	private static <I> Map<String, Object> list(@Nullable InstanceCatalog<I> catalog, @Nullable String only,
			Function<I, Map<String, Object>> describe) {
		Map<String, Object> result = new LinkedHashMap<>();
		if (catalog != null) {
			catalog.all().forEach((name, instance) -> {
				if (only == null || only.equals(name)) {
					result.put(name, describe.apply(instance));
				}
			});
		}
		return result;
	}

	private static Map<String, Object> describe(TokenBucket bucket) {
		ThrottleSettings settings = bucket.settings();
		Map<String, Object> described = new LinkedHashMap<>();
		Map<String, Object> effective = new LinkedHashMap<>();
		effective.put("rate", settings.rate());
		effective.put("per", format(settings.per()));
		effective.put("burst", settings.burst());
		effective.put("maxWait", format(settings.maxWait()));
		if (!settings.limits().isEmpty()) {
			effective.put("limits", settings.limits()
				.stream()
				.map((limit) -> Map.of("rate", limit.rate(), "per", format(limit.per()), "burst", limit.burst()))
				.toList());
		}
		if (bucket.isKeyed()) {
			effective.put("maxKeys", settings.maxKeys());
		}
		described.put("settings", effective);
		describeBackend(described, settings.backend(), bucket.remote());
		if (bucket.isKeyed()) {
			described.put("keys", bucket.keysHeld());
		}
		described.put("availablePermits", bucket.availablePermits());
		described.put("waiting", bucket.waiting());
		described.put("permitted", bucket.permittedCount());
		described.put("rejected", bucket.rejectedCount());
		return described;
	}

	private static Map<String, Object> describe(BoundedLimiter limiter) {
		BoundedSettings settings = limiter.settings();
		Map<String, Object> described = new LinkedHashMap<>();
		Map<String, Object> effective = new LinkedHashMap<>();
		effective.put("maxConcurrent", settings.maxConcurrent());
		effective.put("maxWait", format(settings.maxWait()));
		effective.put("maxQueued", settings.maxQueued());
		if (limiter.isKeyed()) {
			effective.put("maxKeys", settings.maxKeys());
		}
		described.put("settings", effective);
		describeBackend(described, settings.backend(), limiter.remote());
		if (limiter.isKeyed()) {
			described.put("keys", limiter.keysHeld());
		}
		described.put("limit", limiter.limit());
		described.put("active", limiter.active());
		described.put("waiting", limiter.waiting());
		described.put("permitted", limiter.permittedCount());
		described.put("rejected", limiter.rejectedCount());
		return described;
	}

	/**
	 * Add {@code backend} and, for a remote one, its settings and health under the
	 * backend's name ({@code redis: {healthy: true, ...}}).
	 */
	private static void describeBackend(Map<String, Object> described, BackendSettings settings,
			@Nullable RemoteInstance remote) {
		described.put("backend", settings.backend().toString());
		if (remote == null) {
			return;
		}
		Map<String, Object> state = new LinkedHashMap<>();
		state.put("healthy", remote.healthy());
		state.put("failures", remote.failureCount());
		state.put("onFailure", settings.onFailure().toString());
		state.put("keyPrefix", settings.keyPrefix());
		state.put("timeout", format(settings.timeout()));
		if (settings.leaseTime() != null) {
			state.put("leaseTime", format(settings.leaseTime()));
		}
		state.putAll(remote.describe());
		described.put(settings.backend().toString(), state);
	}

	private static Map<String, Object> describe(RetryStats stats) {
		Map<String, Object> methods = new LinkedHashMap<>();
		stats.methods().forEach((method, settings) -> methods.put(method, describe(settings)));
		Map<String, Object> calls = new LinkedHashMap<>();
		calls.put("success", stats.successCount());
		calls.put("success_after_retry", stats.successAfterRetryCount());
		calls.put("failure", stats.failureCount());
		calls.put("failure_after_retry", stats.failureAfterRetryCount());
		calls.put("aborted", stats.abortedCount());
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("methods", methods);
		described.put("calls", calls);
		described.put("retries", stats.retryCount());
		return described;
	}

	private static Map<String, Object> describe(RetrySettings settings) {
		Map<String, Object> effective = new LinkedHashMap<>();
		effective.put("maxAttempts", settings.maxAttempts());
		effective.put("delay", format(settings.delay()));
		effective.put("multiplier", settings.multiplier());
		effective.put("maxDelay", format(settings.maxDelay()));
		effective.put("jitter", settings.jitter());
		effective.put("maxDuration", format(settings.maxDuration()));
		effective.put("retryOn", settings.retryOn().stream().map(Class::getName).toList());
		effective.put("abortOn", settings.abortOn().stream().map(Class::getName).toList());
		return effective;
	}

	private static Map<String, Object> describe(TimeoutStats stats) {
		Map<String, Object> methods = new LinkedHashMap<>();
		stats.methods().forEach((method, settings) -> methods.put(method, describe(settings)));
		Map<String, Object> calls = new LinkedHashMap<>();
		calls.put("completed", stats.completedCount());
		calls.put("timed_out", stats.timedOutCount());
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("methods", methods);
		described.put("calls", calls);
		return described;
	}

	private static Map<String, Object> describe(TimeoutSettings settings) {
		Map<String, Object> effective = new LinkedHashMap<>();
		effective.put("timeout", format(settings.timeout()));
		effective.put("cleanup", (settings.cleanup() != null) ? settings.cleanup().toString() : null);
		return effective;
	}

	private static Map<String, Object> describe(FallbackStats stats) {
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("fallbackMethod", stats.fallbackMethod());
		described.put("calls", stats.callCount());
		return described;
	}

	private static Map<String, Object> batch(BatchProcessor processor) {
		BatchOptions options = processor.options();
		Map<String, Object> effective = new LinkedHashMap<>();
		effective.put("batchSize", options.batchSize());
		effective.put("maxConcurrent", options.maxConcurrent());
		effective.put("maxAttempts", options.maxAttempts());
		effective.put("retryDelay", format(options.retryDelay()));
		effective.put("retryMultiplier", options.retryMultiplier());
		effective.put("delayBetweenBatches", format(options.delayBetweenBatches()));
		effective.put("failFast", options.failFast());
		effective.put("itemTimeout", format(options.itemTimeout()));
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("name", BatchMeters.NAME);
		described.put("options", effective);
		if (processor instanceof DefaultBatchProcessor defaultProcessor) {
			List<Map<String, Object>> runs = new ArrayList<>();
			for (DefaultBatchProcessor.RunProgress run : defaultProcessor.activeRuns()) {
				Map<String, Object> progress = new LinkedHashMap<>();
				progress.put("done", run.done());
				progress.put("total", (run.total() >= 0) ? run.total() : null);
				progress.put("elapsed", format(run.elapsed()));
				runs.add(progress);
			}
			described.put("runs", runs);
			DefaultBatchProcessor.Stats stats = defaultProcessor.stats();
			Map<String, Object> items = new LinkedHashMap<>();
			items.put("success", stats.itemsSucceeded());
			items.put("failure", stats.itemsFailed());
			described.put("items", items);
		}
		return described;
	}

	private static void putIfPresent(Map<String, Object> target, String kind, @Nullable Object value) {
		if (value != null) {
			target.put(kind, value);
		}
	}

	/**
	 * Format a duration the way a user writes it in {@code application.yml}.
	 * @return the duration, or {@code null} for none (JSON {@code null}: a value that is
	 * absent is never written as a word)
	 */
	static @Nullable String format(@Nullable Duration duration) {
		return (duration != null) ? ReadableSettings.format(duration) : null;
	}

}
