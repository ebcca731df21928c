package dev.asyncutils.retry;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Properties under {@code async-utils.retry}: defaults for every {@code @Retry}, and
 * per-instance settings that override the annotation.
 */
public class RetryProperties {

	/**
	 * Defaults for every {@code @Retry} attribute left unset.
	 */
	private final Spec defaults = new Spec();

	/**
	 * Settings per instance name, with the same keys as defaults; they override the
	 * annotation's attributes.
	 */
	private final Map<String, Spec> instances = new LinkedHashMap<>();

	/**
	 * Return the defaults.
	 * @return the defaults
	 */
	public Spec getDefaults() {
		return this.defaults;
	}

	/**
	 * Return the per-instance settings.
	 * @return the settings by instance name
	 */
	public Map<String, Spec> getInstances() {
		return this.instances;
	}

	/**
	 * The settings of one retry instance; {@code null} means unset.
	 */
	public static class Spec {

		/**
		 * Total number of attempts, the first call included. Built-in default: 3.
		 */
		private @Nullable Integer maxAttempts;

		/**
		 * Wait before the first retry. Built-in default: 100ms.
		 */
		private @Nullable Duration delay;

		/**
		 * Factor applied to each following wait (1.0 keeps it fixed). Built-in default:
		 * 2.0.
		 */
		private @Nullable Double multiplier;

		/**
		 * Cap on a single wait. Built-in default: 10s.
		 */
		private @Nullable Duration maxDelay;

		/**
		 * Random spread of each wait, as a fraction in [0, 1] of that wait. Built-in
		 * default: 0.
		 */
		private @Nullable Double jitter;

		/**
		 * Give up once this much time has passed since the first attempt. Built-in
		 * default: no limit.
		 */
		private @Nullable Duration maxDuration;

		/**
		 * Failures that are retried (subtypes included). Built-in default:
		 * java.lang.Exception.
		 */
		private @Nullable List<Class<? extends Throwable>> retryOn;

		/**
		 * Failures that are never retried, even when they match retry-on. Built-in
		 * default: none.
		 */
		private @Nullable List<Class<? extends Throwable>> abortOn;

		/**
		 * Return the total number of attempts.
		 * @return the attempts, {@code null} if unset
		 */
		public @Nullable Integer getMaxAttempts() {
			return this.maxAttempts;
		}

		/**
		 * Set the total number of attempts.
		 * @param maxAttempts the attempts
		 */
		public void setMaxAttempts(@Nullable Integer maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		/**
		 * Return the wait before the first retry.
		 * @return the delay, {@code null} if unset
		 */
		public @Nullable Duration getDelay() {
			return this.delay;
		}

		/**
		 * Set the wait before the first retry.
		 * @param delay the delay
		 */
		public void setDelay(@Nullable Duration delay) {
			this.delay = delay;
		}

		/**
		 * Return the back-off multiplier.
		 * @return the multiplier, {@code null} if unset
		 */
		public @Nullable Double getMultiplier() {
			return this.multiplier;
		}

		/**
		 * Set the back-off multiplier.
		 * @param multiplier the multiplier
		 */
		public void setMultiplier(@Nullable Double multiplier) {
			this.multiplier = multiplier;
		}

		/**
		 * Return the cap on a single wait.
		 * @return the maximum delay, {@code null} if unset
		 */
		public @Nullable Duration getMaxDelay() {
			return this.maxDelay;
		}

		/**
		 * Set the cap on a single wait.
		 * @param maxDelay the maximum delay
		 */
		public void setMaxDelay(@Nullable Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

		/**
		 * Return the jitter fraction.
		 * @return the jitter, {@code null} if unset
		 */
		public @Nullable Double getJitter() {
			return this.jitter;
		}

		/**
		 * Set the jitter fraction.
		 * @param jitter the jitter in [0, 1]
		 */
		public void setJitter(@Nullable Double jitter) {
			this.jitter = jitter;
		}

		/**
		 * Return the time limit over all attempts.
		 * @return the maximum duration, {@code null} if unset
		 */
		public @Nullable Duration getMaxDuration() {
			return this.maxDuration;
		}

		/**
		 * Set the time limit over all attempts.
		 * @param maxDuration the maximum duration
		 */
		public void setMaxDuration(@Nullable Duration maxDuration) {
			this.maxDuration = maxDuration;
		}

		/**
		 * Return the retryable failure types.
		 * @return the types, {@code null} if unset
		 */
		public @Nullable List<Class<? extends Throwable>> getRetryOn() {
			return this.retryOn;
		}

		/**
		 * Set the retryable failure types.
		 * @param retryOn the types
		 */
		public void setRetryOn(@Nullable List<Class<? extends Throwable>> retryOn) {
			this.retryOn = retryOn;
		}

		/**
		 * Return the failure types that abort retrying.
		 * @return the types, {@code null} if unset
		 */
		public @Nullable List<Class<? extends Throwable>> getAbortOn() {
			return this.abortOn;
		}

		/**
		 * Set the failure types that abort retrying.
		 * @param abortOn the types
		 */
		public void setAbortOn(@Nullable List<Class<? extends Throwable>> abortOn) {
			this.abortOn = abortOn;
		}

	}

}
