package dev.asyncutils.circuitbreaker;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Properties under {@code async-utils.circuit-breaker}: defaults for every
 * {@code @CircuitBreaker}, and per-instance settings that override the annotation. An
 * instance configured here exists even if no method names it, for use through
 * {@link CircuitBreakerRegistry}.
 */
public class CircuitBreakerProperties {

	/**
	 * Defaults for every @CircuitBreaker attribute left unset.
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
	 * The settings of one circuit breaker instance; {@code null} means unset.
	 */
	public static class Spec {

		/**
		 * Percent (1 to 100) of the recorded calls that failed at which the breaker
		 * opens. Built-in default: 50.
		 */
		private @Nullable Integer failureRateThreshold;

		/**
		 * Calls that take longer than this count toward the slow-call rate. Built-in
		 * default: none (no call is slow).
		 */
		private @Nullable Duration slowCallDuration;

		/**
		 * Percent (1 to 100) of the recorded calls that were slow at which the breaker
		 * opens. Built-in default: 100.
		 */
		private @Nullable Integer slowCallRateThreshold;

		/**
		 * Calls recorded in the window before any rate is judged (at least 1). Built-in
		 * default: 20.
		 */
		private @Nullable Integer minimumCalls;

		/**
		 * Count-based window: the rates are those of the last N recorded calls (1 to
		 * 1000000). Built-in default: 100, unless window-duration is set.
		 */
		private @Nullable Integer windowCalls;

		/**
		 * Time-based window instead: the rates are those of the calls recorded over the
		 * last this long. Built-in default: none (a count-based window).
		 */
		private @Nullable Duration windowDuration;

		/**
		 * How long the breaker stays open before trial calls are let through. Built-in
		 * default: 30s.
		 */
		private @Nullable Duration waitInOpen;

		/**
		 * Trial calls let through while half-open; all must succeed to close (at least
		 * 1). Built-in default: 5.
		 */
		private @Nullable Integer halfOpenCalls;

		/**
		 * Failures that count (subtypes included); any other failure counts neither way.
		 * Built-in default: java.lang.Exception.
		 */
		private @Nullable List<Class<? extends Throwable>> recordOn;

		/**
		 * Failures that count neither way, even when they match record-on. Built-in
		 * default: none.
		 */
		private @Nullable List<Class<? extends Throwable>> ignoreOn;

		/**
		 * Return the failure rate threshold.
		 * @return the failure rate threshold, {@code null} if unset
		 */
		public @Nullable Integer getFailureRateThreshold() {
			return this.failureRateThreshold;
		}

		/**
		 * Set the failure rate threshold.
		 * @param failureRateThreshold the failure rate threshold
		 */
		public void setFailureRateThreshold(@Nullable Integer failureRateThreshold) {
			this.failureRateThreshold = failureRateThreshold;
		}

		/**
		 * Return the slow-call duration.
		 * @return the slow-call duration, {@code null} if unset
		 */
		public @Nullable Duration getSlowCallDuration() {
			return this.slowCallDuration;
		}

		/**
		 * Set the slow-call duration.
		 * @param slowCallDuration the slow-call duration
		 */
		public void setSlowCallDuration(@Nullable Duration slowCallDuration) {
			this.slowCallDuration = slowCallDuration;
		}

		/**
		 * Return the slow-call rate threshold.
		 * @return the slow-call rate threshold, {@code null} if unset
		 */
		public @Nullable Integer getSlowCallRateThreshold() {
			return this.slowCallRateThreshold;
		}

		/**
		 * Set the slow-call rate threshold.
		 * @param slowCallRateThreshold the slow-call rate threshold
		 */
		public void setSlowCallRateThreshold(@Nullable Integer slowCallRateThreshold) {
			this.slowCallRateThreshold = slowCallRateThreshold;
		}

		/**
		 * Return the minimum number of calls.
		 * @return the minimum number of calls, {@code null} if unset
		 */
		public @Nullable Integer getMinimumCalls() {
			return this.minimumCalls;
		}

		/**
		 * Set the minimum number of calls.
		 * @param minimumCalls the minimum number of calls
		 */
		public void setMinimumCalls(@Nullable Integer minimumCalls) {
			this.minimumCalls = minimumCalls;
		}

		/**
		 * Return the window size in calls.
		 * @return the window size in calls, {@code null} if unset
		 */
		public @Nullable Integer getWindowCalls() {
			return this.windowCalls;
		}

		/**
		 * Set the window size in calls.
		 * @param windowCalls the window size in calls
		 */
		public void setWindowCalls(@Nullable Integer windowCalls) {
			this.windowCalls = windowCalls;
		}

		/**
		 * Return the window duration.
		 * @return the window duration, {@code null} if unset
		 */
		public @Nullable Duration getWindowDuration() {
			return this.windowDuration;
		}

		/**
		 * Set the window duration.
		 * @param windowDuration the window duration
		 */
		public void setWindowDuration(@Nullable Duration windowDuration) {
			this.windowDuration = windowDuration;
		}

		/**
		 * Return the time spent open.
		 * @return the time spent open, {@code null} if unset
		 */
		public @Nullable Duration getWaitInOpen() {
			return this.waitInOpen;
		}

		/**
		 * Set the time spent open.
		 * @param waitInOpen the time spent open
		 */
		public void setWaitInOpen(@Nullable Duration waitInOpen) {
			this.waitInOpen = waitInOpen;
		}

		/**
		 * Return the number of trial calls.
		 * @return the number of trial calls, {@code null} if unset
		 */
		public @Nullable Integer getHalfOpenCalls() {
			return this.halfOpenCalls;
		}

		/**
		 * Set the number of trial calls.
		 * @param halfOpenCalls the number of trial calls
		 */
		public void setHalfOpenCalls(@Nullable Integer halfOpenCalls) {
			this.halfOpenCalls = halfOpenCalls;
		}

		/**
		 * Return the recorded failure types.
		 * @return the recorded failure types, {@code null} if unset
		 */
		public @Nullable List<Class<? extends Throwable>> getRecordOn() {
			return this.recordOn;
		}

		/**
		 * Set the recorded failure types.
		 * @param recordOn the recorded failure types
		 */
		public void setRecordOn(@Nullable List<Class<? extends Throwable>> recordOn) {
			this.recordOn = recordOn;
		}

		/**
		 * Return the ignored failure types.
		 * @return the ignored failure types, {@code null} if unset
		 */
		public @Nullable List<Class<? extends Throwable>> getIgnoreOn() {
			return this.ignoreOn;
		}

		/**
		 * Set the ignored failure types.
		 * @param ignoreOn the ignored failure types
		 */
		public void setIgnoreOn(@Nullable List<Class<? extends Throwable>> ignoreOn) {
			this.ignoreOn = ignoreOn;
		}

	}

}
