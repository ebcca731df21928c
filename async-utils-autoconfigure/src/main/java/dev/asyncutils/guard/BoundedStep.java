package dev.asyncutils.guard;

import java.time.Duration;

import dev.asyncutils.annotation.Bounded;

/**
 * The settings of a guard's {@code bounded} step: the attributes of {@link Bounded}. A
 * guard shares its limit with every annotated method and guard of the same name. What is
 * left unset comes from {@code async-utils.bounded.defaults.*};
 * {@code async-utils.bounded.instances.<name>.*} overrides what is set here.
 */
public final class BoundedStep extends Step<Bounded> {

	BoundedStep() {
		super(Bounded.class, "bounded");
	}

	/**
	 * Set the most calls in flight at once (at least 1).
	 * @param maxConcurrent the limit
	 * @return this step
	 */
	public BoundedStep maxConcurrent(int maxConcurrent) {
		set("maxConcurrent", "value", maxConcurrent, 0, "must be at least 1");
		return this;
	}

	/**
	 * Set the longest a caller may wait for a slot ({@link Duration#ZERO} rejects at
	 * once).
	 * @param maxWait the longest wait
	 * @return this step
	 */
	public BoundedStep maxWait(Duration maxWait) {
		duration("maxWait", maxWait);
		return this;
	}

	/**
	 * Set the most callers waiting at once (at least 0).
	 * @param maxQueued the limit
	 * @return this step
	 */
	public BoundedStep maxQueued(int maxQueued) {
		set("maxQueued", "maxQueued", maxQueued, -1, "must not be negative (leave it unset for no limit)");
		return this;
	}

}
