package dev.asyncutils.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.asyncutils.batch.BatchProcessor;
import dev.asyncutils.bounded.BoundedRegistry;
import dev.asyncutils.circuitbreaker.CircuitBreakerRegistry;
import dev.asyncutils.debounce.DebounceFeature;
import dev.asyncutils.fallback.FallbackFeature;
import dev.asyncutils.retry.RetryFeature;
import dev.asyncutils.throttle.ThrottleRegistry;
import dev.asyncutils.timeout.TimeoutFeature;

/**
 * The {@code asyncutils} actuator endpoint, when Spring Boot Actuator is on the classpath
 * and the endpoint is available (exposed like any other: for the web, add it to
 * {@code management.endpoints.web.exposure.include}).
 */
@AutoConfiguration(after = AsyncUtilsAutoConfiguration.class)
@ConditionalOnClass(Endpoint.class)
@ConditionalOnBooleanProperty(name = "async-utils.enabled", matchIfMissing = true)
@ConditionalOnAvailableEndpoint(AsyncUtilsEndpoint.class)
public final class AsyncUtilsEndpointAutoConfiguration {

	/**
	 * The endpoint.
	 * @param throttles the throttle instances
	 * @param bounded the bounded instances
	 * @param retry the retry capability
	 * @param timeout the timeout capability
	 * @param fallback the fallback capability
	 * @param batchProcessor the batch processor
	 * @param debounce the debounce capability
	 * @param breakers the circuit breakers
	 * @return the endpoint
	 */
	@Bean
	@ConditionalOnMissingBean
	AsyncUtilsEndpoint asyncUtilsEndpoint(ObjectProvider<ThrottleRegistry> throttles,
			ObjectProvider<BoundedRegistry> bounded, ObjectProvider<RetryFeature> retry,
			ObjectProvider<TimeoutFeature> timeout, ObjectProvider<FallbackFeature> fallback,
			ObjectProvider<BatchProcessor> batchProcessor, ObjectProvider<DebounceFeature> debounce,
			ObjectProvider<CircuitBreakerRegistry> breakers) {
		return new AsyncUtilsEndpoint(throttles, bounded, retry, timeout, fallback, batchProcessor, debounce, breakers);
	}

}
