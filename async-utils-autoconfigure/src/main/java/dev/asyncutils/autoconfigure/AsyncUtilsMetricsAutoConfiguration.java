package dev.asyncutils.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;

import dev.asyncutils.batch.BatchMeters;
import dev.asyncutils.batch.BatchProcessor;
import dev.asyncutils.batch.DefaultBatchProcessor;
import dev.asyncutils.bounded.BoundedMeters;
import dev.asyncutils.bounded.BoundedRegistry;
import dev.asyncutils.circuitbreaker.CircuitBreakerMeters;
import dev.asyncutils.circuitbreaker.CircuitBreakerRegistry;
import dev.asyncutils.core.AsyncUtilsScheduler;
import dev.asyncutils.debounce.DebounceFeature;
import dev.asyncutils.debounce.DebounceMeters;
import dev.asyncutils.fallback.FallbackFeature;
import dev.asyncutils.fallback.FallbackMeters;
import dev.asyncutils.retry.RetryFeature;
import dev.asyncutils.retry.RetryMeters;
import dev.asyncutils.throttle.ThrottleMeters;
import dev.asyncutils.throttle.ThrottleRegistry;
import dev.asyncutils.timeout.TimeoutFeature;
import dev.asyncutils.timeout.TimeoutMeters;

/**
 * Micrometer meters for every async-utils instance, when a {@link MeterRegistry} bean
 * exists and {@code async-utils.metrics.enabled} is not {@code false}. Meters are
 * registered once per instance and read the instance's own counters, so a call only
 * increments a counter.
 */
@AutoConfiguration(after = AsyncUtilsAutoConfiguration.class, afterName = {
		"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, AsyncUtilsScheduler.class })
@ConditionalOnBooleanProperty(name = "async-utils.metrics.enabled", matchIfMissing = true)
public final class AsyncUtilsMetricsAutoConfiguration {

	/**
	 * Binds every instance, those of now and those created later, to the registry.
	 * @param registry the meter registry
	 * @param throttles the throttle instances
	 * @param bounded the bounded instances
	 * @param retry the retry capability
	 * @param timeout the timeout capability
	 * @param fallback the fallback capability
	 * @param batchProcessor the batch processor
	 * @param debounce the debounce capability
	 * @param breakers the circuit breakers
	 * @return the binder
	 */
	@Bean
	static SmartInitializingSingleton asyncUtilsMeterBinder(ObjectProvider<MeterRegistry> registry,
			ObjectProvider<ThrottleRegistry> throttles, ObjectProvider<BoundedRegistry> bounded,
			ObjectProvider<RetryFeature> retry, ObjectProvider<TimeoutFeature> timeout,
			ObjectProvider<FallbackFeature> fallback, ObjectProvider<BatchProcessor> batchProcessor,
			ObjectProvider<DebounceFeature> debounce, ObjectProvider<CircuitBreakerRegistry> breakers) {
		return () -> {
			MeterRegistry meters = registry.getObject();
			throttles.ifAvailable((instances) -> instances.catalog()
				.forEachNowAndLater((name, bucket) -> ThrottleMeters.bind(meters, name, bucket)));
			bounded.ifAvailable((instances) -> instances.catalog()
				.forEachNowAndLater((name, limiter) -> BoundedMeters.bind(meters, name, limiter)));
			retry.ifAvailable((feature) -> feature.instances()
				.forEachNowAndLater((name, stats) -> RetryMeters.bind(meters, name, stats)));
			timeout.ifAvailable((feature) -> feature.instances()
				.forEachNowAndLater((name, stats) -> TimeoutMeters.bind(meters, name, stats)));
			fallback.ifAvailable((feature) -> feature.instances()
				.forEachNowAndLater((name, stats) -> FallbackMeters.bind(meters, name, stats)));
			breakers.ifAvailable((instances) -> instances.catalog()
				.forEachNowAndLater((name, circuit) -> CircuitBreakerMeters.bind(meters, name, circuit)));
			debounce.ifAvailable((feature) -> feature.instances()
				.forEachNowAndLater((name, stats) -> DebounceMeters.bind(meters, name, stats)));
			batchProcessor.ifAvailable((processor) -> {
				if (processor instanceof DefaultBatchProcessor defaultProcessor) {
					BatchMeters.bind(meters, BatchMeters.NAME, defaultProcessor.stats());
				}
			});
		};
	}

}
