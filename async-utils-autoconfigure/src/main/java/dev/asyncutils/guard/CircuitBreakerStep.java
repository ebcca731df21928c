package dev.asyncutils.guard;

import java.time.Duration;

import dev.asyncutils.annotation.CircuitBreaker;

/**
 * The settings of a guard's {@code circuitBreaker} step: the attributes of
 * {@link CircuitBreaker}. A guard shares its breaker with every annotated method and
 * guard of the same name. What is left unset comes from
 * {@code async-utils.circuit-breaker.defaults.*};
 * {@code async-utils.circuit-breaker.instances.<name>.*} overrides what is set here.
 */
public final class CircuitBreakerStep extends Step<CircuitBreaker> {

	CircuitBreakerStep() {
		super(CircuitBreaker.class, "circuitBreaker");
	}

	/**
	 * Set the percent (1 to 100) of failed calls at which the breaker opens.
	 * @param percent the threshold
	 * @return this step
	 */
	public CircuitBreakerStep failureRateThreshold(int percent) {
		set("failureRateThreshold", "failureRateThreshold", percent, -1, "must be a percentage between 1 and 100");
		return this;
	}

	/**
	 * Set the duration beyond which a call is slow.
	 * @param slowCallDuration the duration
	 * @return this step
	 */
	public CircuitBreakerStep slowCallDuration(Duration slowCallDuration) {
		duration("slowCallDuration", slowCallDuration);
		return this;
	}

	/**
	 * Set the percent (1 to 100) of slow calls at which the breaker opens.
	 * @param percent the threshold
	 * @return this step
	 */
	public CircuitBreakerStep slowCallRateThreshold(int percent) {
		set("slowCallRateThreshold", "slowCallRateThreshold", percent, -1, "must be a percentage between 1 and 100");
		return this;
	}

	/**
	 * Set the calls recorded before any rate is judged (at least 1).
	 * @param minimumCalls the calls
	 * @return this step
	 */
	public CircuitBreakerStep minimumCalls(int minimumCalls) {
		set("minimumCalls", "minimumCalls", minimumCalls, -1, "must be at least 1");
		return this;
	}

	/**
	 * Judge the last N recorded calls (a count-based window, 1 to 1,000,000).
	 * @param windowCalls the window size
	 * @return this step
	 */
	public CircuitBreakerStep windowCalls(int windowCalls) {
		set("windowCalls", "windowCalls", windowCalls, -1, "must be between 1 and 1000000");
		return this;
	}

	/**
	 * Judge the calls of the last this long instead (a time-based window).
	 * @param windowDuration the window length
	 * @return this step
	 */
	public CircuitBreakerStep windowDuration(Duration windowDuration) {
		duration("windowDuration", windowDuration);
		return this;
	}

	/**
	 * Set how long the breaker stays open before trial calls.
	 * @param waitInOpen the time open
	 * @return this step
	 */
	public CircuitBreakerStep waitInOpen(Duration waitInOpen) {
		duration("waitInOpen", waitInOpen);
		return this;
	}

	/**
	 * Set the trial calls let through while half-open (at least 1).
	 * @param halfOpenCalls the trial calls
	 * @return this step
	 */
	public CircuitBreakerStep halfOpenCalls(int halfOpenCalls) {
		set("halfOpenCalls", "halfOpenCalls", halfOpenCalls, -1, "must be at least 1");
		return this;
	}

	/**
	 * Set the failures that count (subtypes included).
	 * @param types the failure types, at least one
	 * @return this step
	 */
	@SafeVarargs
	public final CircuitBreakerStep recordOn(Class<? extends Throwable>... types) {
		if (types.length == 0) {
			invalid("recordOn", "{}", "must name at least one type");
		}
		else {
			set("recordOn", types.clone());
		}
		return this;
	}

	/**
	 * Set the failures that count neither way, even when {@link #recordOn} lists them.
	 * @param types the failure types
	 * @return this step
	 */
	@SafeVarargs
	public final CircuitBreakerStep ignoreOn(Class<? extends Throwable>... types) {
		set("ignoreOn", types.clone());
		return this;
	}

}
