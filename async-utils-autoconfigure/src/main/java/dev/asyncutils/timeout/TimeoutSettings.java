package dev.asyncutils.timeout;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.asyncutils.TimeoutExceededException;

/**
 * The effective settings of one timeout instance on one method.
 *
 * @param name the instance name
 * @param timeout the deadline of one invocation
 * @param cleanup the method called when the deadline passes, {@code null} for none
 */
public record TimeoutSettings(String name, Duration timeout, @Nullable CleanupMethod cleanup) {

	private static final Log logger = LogFactory.getLog(TimeoutSettings.class);

	/**
	 * Return the exception a caller gets when the deadline passes.
	 * @return a new exception naming this instance
	 */
	TimeoutExceededException exceeded() {
		TimeoutExceededException exceeded = new TimeoutExceededException(this.name, this.timeout);
		if (logger.isDebugEnabled()) {
			logger.debug("async-utils: " + exceeded.getMessage());
		}
		return exceeded;
	}

}
