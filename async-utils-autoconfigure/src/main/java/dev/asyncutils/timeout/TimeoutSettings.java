package dev.asyncutils.timeout;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The effective settings of one timeout instance on one method.
 *
 * @param name the instance name
 * @param timeout the deadline of one invocation
 * @param cleanup the method called when the deadline passes, {@code null} for none
 */
public record TimeoutSettings(String name, Duration timeout, @Nullable CleanupMethod cleanup) {

	/**
	 * Return the exception a caller gets when the deadline passes.
	 * @return a new exception naming this instance
	 */
	dev.asyncutils.TimeoutExceededException exceeded() {
		return new dev.asyncutils.TimeoutExceededException(this.name, this.timeout);
	}

}
