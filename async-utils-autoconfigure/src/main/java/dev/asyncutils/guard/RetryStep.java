package dev.asyncutils.guard;

import java.time.Duration;

import dev.asyncutils.annotation.Retry;

/**
 * The settings of a guard's {@code retry} step: the attributes of {@link Retry}. What is
 * left unset comes from {@code async-utils.retry.defaults.*} and the built-in defaults;
 * {@code async-utils.retry.instances.<name>.*} overrides what is set here.
 */
public final class RetryStep extends Step<Retry> {

	RetryStep() {
		super(Retry.class, "retry");
	}

	/**
	 * Set the total attempts, the first included (at least 1).
	 * @param maxAttempts the attempts
	 * @return this step
	 */
	public RetryStep maxAttempts(int maxAttempts) {
		set("maxAttempts", "maxAttempts", maxAttempts, 0, "must be at least 1");
		return this;
	}

	/**
	 * Set the wait before the first retry.
	 * @param delay the delay
	 * @return this step
	 */
	public RetryStep delay(Duration delay) {
		duration("delay", delay);
		return this;
	}

	/**
	 * Set the factor each following wait grows by (at least 1.0; 1.0 keeps it fixed).
	 * @param multiplier the multiplier
	 * @return this step
	 */
	public RetryStep multiplier(double multiplier) {
		set("multiplier", "multiplier", multiplier, 0.0, "must be at least 1.0 (1.0 keeps the delay fixed)");
		return this;
	}

	/**
	 * Set the cap on a single wait.
	 * @param maxDelay the cap
	 * @return this step
	 */
	public RetryStep maxDelay(Duration maxDelay) {
		duration("maxDelay", maxDelay);
		return this;
	}

	/**
	 * Set the random spread of each wait, as a fraction in [0, 1] of it.
	 * @param jitter the fraction
	 * @return this step
	 */
	public RetryStep jitter(double jitter) {
		set("jitter", "jitter", jitter, -1.0, "must be between 0 and 1 (a fraction of each wait)");
		return this;
	}

	/**
	 * Give up once this much time has passed since the first attempt.
	 * @param maxDuration the time
	 * @return this step
	 */
	public RetryStep maxDuration(Duration maxDuration) {
		duration("maxDuration", maxDuration);
		return this;
	}

	/**
	 * Set what is retried (subtypes included).
	 * @param types the failure types, at least one
	 * @return this step
	 */
	@SafeVarargs
	public final RetryStep retryOn(Class<? extends Throwable>... types) {
		if (types.length == 0) {
			invalid("retryOn", "{}", "must name at least one type");
		}
		else {
			set("retryOn", types.clone());
		}
		return this;
	}

	/**
	 * Set what is never retried, even when {@link #retryOn} matches it too.
	 * @param types the failure types
	 * @return this step
	 */
	@SafeVarargs
	public final RetryStep abortOn(Class<? extends Throwable>... types) {
		set("abortOn", types.clone());
		return this;
	}

}
