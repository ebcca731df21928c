package dev.asyncutils.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.core.Ordered;

import dev.asyncutils.batch.BatchProperties;
import dev.asyncutils.bounded.BoundedProperties;
import dev.asyncutils.circuitbreaker.CircuitBreakerProperties;
import dev.asyncutils.debounce.DebounceProperties;
import dev.asyncutils.retry.RetryProperties;
import dev.asyncutils.throttle.ThrottleProperties;
import dev.asyncutils.timeout.TimeoutProperties;

/**
 * Configuration properties under {@code async-utils}. Unknown properties are rejected at
 * startup, so a misspelt key is never ignored silently.
 */
@ConfigurationProperties(prefix = "async-utils", ignoreUnknownFields = false)
public class AsyncUtilsProperties {

	/**
	 * Whether the async-utils annotations take effect. When false, annotated methods run
	 * plain.
	 */
	private boolean enabled = true;

	/**
	 * Order of the async-utils advice among a bean's other advisors (lower runs outside).
	 * The default, lowest precedence, runs inside @Async and caching, outside
	 * @Transactional (each retry attempt in a transaction of its own).
	 */
	private int order = Ordered.LOWEST_PRECEDENCE;

	/**
	 * Number of threads of the shared scheduler that runs delays and deadlines.
	 */
	private int schedulerThreads = 2;

	/**
	 * Metrics of every instance.
	 */
	private final Metrics metrics = new Metrics();

	/**
	 * Observations of guarded calls.
	 */
	private final Observations observations = new Observations();

	/**
	 * Problem responses for our exceptions in web applications.
	 */
	private final Web web = new Web();

	/**
	 * Settings of @Retry.
	 */
	@NestedConfigurationProperty
	private final RetryProperties retry = new RetryProperties();

	/**
	 * Settings of @Timeout.
	 */
	@NestedConfigurationProperty
	private final TimeoutProperties timeout = new TimeoutProperties();

	/**
	 * Settings of @Throttle.
	 */
	@NestedConfigurationProperty
	private final ThrottleProperties throttle = new ThrottleProperties();

	/**
	 * Settings of @Bounded.
	 */
	@NestedConfigurationProperty
	private final BoundedProperties bounded = new BoundedProperties();

	/**
	 * Settings of @CircuitBreaker.
	 */
	@NestedConfigurationProperty
	private final CircuitBreakerProperties circuitBreaker = new CircuitBreakerProperties();

	/**
	 * Settings of @Debounce.
	 */
	@NestedConfigurationProperty
	private final DebounceProperties debounce = new DebounceProperties();

	/**
	 * Options of the auto-configured BatchProcessor.
	 */
	@NestedConfigurationProperty
	private final BatchProperties batch = new BatchProperties();

	/**
	 * Return the order of the async-utils advice among a bean's other advisors.
	 * @return the order, {@link Ordered#LOWEST_PRECEDENCE} by default
	 */
	public int getOrder() {
		return this.order;
	}

	/**
	 * Set the order of the async-utils advice among a bean's other advisors.
	 * @param order lower values run outside advisors with higher ones
	 */
	public void setOrder(int order) {
		this.order = order;
	}

	/**
	 * Return whether the annotations take effect.
	 * @return {@code true} unless switched off
	 */
	public boolean isEnabled() {
		return this.enabled;
	}

	/**
	 * Set whether the annotations take effect.
	 * @param enabled {@code false} to run annotated methods plain
	 */
	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	/**
	 * Return the number of scheduler threads.
	 * @return the thread count
	 */
	public int getSchedulerThreads() {
		return this.schedulerThreads;
	}

	/**
	 * Set the number of scheduler threads.
	 * @param schedulerThreads the thread count, at least 1
	 */
	public void setSchedulerThreads(int schedulerThreads) {
		this.schedulerThreads = schedulerThreads;
	}

	/**
	 * Return the {@code async-utils.retry} properties.
	 * @return the retry properties
	 */
	public RetryProperties getRetry() {
		return this.retry;
	}

	/**
	 * Return the {@code async-utils.timeout} properties.
	 * @return the timeout properties
	 */
	public TimeoutProperties getTimeout() {
		return this.timeout;
	}

	/**
	 * Return the {@code async-utils.throttle} properties.
	 * @return the throttle properties
	 */
	public ThrottleProperties getThrottle() {
		return this.throttle;
	}

	/**
	 * Return the {@code async-utils.bounded} properties.
	 * @return the bounded properties
	 */
	public BoundedProperties getBounded() {
		return this.bounded;
	}

	/**
	 * Return the {@code async-utils.circuit-breaker} properties.
	 * @return the circuit breaker properties
	 */
	public CircuitBreakerProperties getCircuitBreaker() {
		return this.circuitBreaker;
	}

	/**
	 * Return the {@code async-utils.debounce} properties.
	 * @return the debounce properties
	 */
	public DebounceProperties getDebounce() {
		return this.debounce;
	}

	/**
	 * Return the {@code async-utils.batch} properties.
	 * @return the batch properties
	 */
	public BatchProperties getBatch() {
		return this.batch;
	}

	/**
	 * Return the {@code async-utils.metrics} properties.
	 * @return the metrics properties
	 */
	public Metrics getMetrics() {
		return this.metrics;
	}

	/**
	 * Return the {@code async-utils.observations} properties.
	 * @return the observation properties
	 */
	public Observations getObservations() {
		return this.observations;
	}

	/**
	 * Properties under {@code async-utils.observations}.
	 */
	public static class Observations {

		/**
		 * Whether every guarded call is a Micrometer observation 'asyncutils.call' (when
		 * an ObservationRegistry bean other than the no-op one exists).
		 */
		private boolean enabled = true;

		/**
		 * Return whether guarded calls are observed.
		 * @return {@code true} unless switched off
		 */
		public boolean isEnabled() {
			return this.enabled;
		}

		/**
		 * Set whether guarded calls are observed.
		 * @param enabled {@code false} to observe none
		 */
		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Return the {@code async-utils.web} properties.
	 * @return the web properties
	 */
	public Web getWeb() {
		return this.web;
	}

	/**
	 * Properties under {@code async-utils.web}.
	 */
	public static class Web {

		/**
		 * Whether our rejections and timeouts that reach Spring MVC or WebFlux unhandled
		 * become RFC 9457 problem responses (429 with Retry-After, 503, 504) instead of a
		 * 500.
		 */
		private boolean enabled = true;

		/**
		 * Return whether problem responses are written.
		 * @return {@code true} unless switched off
		 */
		public boolean isEnabled() {
			return this.enabled;
		}

		/**
		 * Set whether problem responses are written.
		 * @param enabled {@code false} to leave our exceptions to the application's error
		 * handling
		 */
		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

	/**
	 * Properties under {@code async-utils.metrics}.
	 */
	public static class Metrics {

		/**
		 * Whether every instance publishes its Micrometer meters (when a MeterRegistry
		 * bean exists).
		 */
		private boolean enabled = true;

		/**
		 * Return whether meters are published.
		 * @return {@code true} unless switched off
		 */
		public boolean isEnabled() {
			return this.enabled;
		}

		/**
		 * Set whether meters are published.
		 * @param enabled {@code false} to publish none
		 */
		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

	}

}
