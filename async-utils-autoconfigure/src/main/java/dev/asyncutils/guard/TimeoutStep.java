package dev.asyncutils.guard;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.annotation.Timeout;

/**
 * The settings of a guard's {@code timeout} step: the deadline of each attempt, and what
 * to do when it passes. What is left unset comes from
 * {@code async-utils.timeout.defaults.duration} and the built-in default;
 * {@code async-utils.timeout.instances.<name>.duration} overrides it.
 */
public final class TimeoutStep extends Step<Timeout> {

	private @Nullable Runnable cleanup;

	TimeoutStep() {
		super(Timeout.class, "timeout");
	}

	/**
	 * Set the deadline of one attempt (positive).
	 * @param duration the deadline
	 * @return this step
	 */
	public TimeoutStep duration(Duration duration) {
		duration("value", duration);
		return this;
	}

	/**
	 * Set what runs once when an attempt's deadline passes (on the application task
	 * executor, like a {@code @Timeout} cleanup method); a failure it throws is logged.
	 * @param cleanup the cleanup
	 * @return this step
	 */
	public TimeoutStep cleanup(Runnable cleanup) {
		this.cleanup = cleanup;
		set("cleanup", GuardTarget.CLEANUP);
		return this;
	}

	@Nullable Runnable cleanup() {
		return this.cleanup;
	}

}
