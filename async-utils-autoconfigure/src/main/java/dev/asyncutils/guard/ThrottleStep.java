package dev.asyncutils.guard;

import java.time.Duration;

import dev.asyncutils.annotation.Throttle;

/**
 * The settings of a guard's {@code throttle} step: the attributes of {@link Throttle}. A
 * guard shares its bucket with every annotated method and guard of the same name. What is
 * left unset comes from {@code async-utils.throttle.defaults.*};
 * {@code async-utils.throttle.instances.<name>.*} overrides what is set here.
 */
public final class ThrottleStep extends Step<Throttle> {

	ThrottleStep() {
		super(Throttle.class, "throttle");
	}

	/**
	 * Set the permits per {@link #per(Duration) period} (greater than 0).
	 * @param rate the rate
	 * @return this step
	 */
	public ThrottleStep rate(double rate) {
		set("rate", "rate", rate, 0.0, "must be greater than 0");
		return this;
	}

	/**
	 * Set the period the rate refers to.
	 * @param per the period
	 * @return this step
	 */
	public ThrottleStep per(Duration per) {
		duration("per", per);
		return this;
	}

	/**
	 * Set the bucket's capacity (at least 1).
	 * @param burst the capacity
	 * @return this step
	 */
	public ThrottleStep burst(int burst) {
		set("burst", "burst", burst, 0, "must be at least 1");
		return this;
	}

	/**
	 * Set the longest a caller may wait for a permit ({@link Duration#ZERO} rejects at
	 * once).
	 * @param maxWait the longest wait
	 * @return this step
	 */
	public ThrottleStep maxWait(Duration maxWait) {
		duration("maxWait", maxWait);
		return this;
	}

}
