package dev.asyncutils;

import java.time.Duration;

/**
 * Thrown (or used to complete a stage or a publisher exceptionally) when an invocation
 * guarded by {@link dev.asyncutils.annotation.Timeout @Timeout} did not finish within its
 * deadline. The same type reaches the caller whatever the method returns.
 *
 * <p>
 * When the method itself failed after the deadline (typically because it was
 * interrupted), that failure is attached as a suppressed exception.
 */
public class TimeoutExceededException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final String name;

	private final Duration timeout;

	/**
	 * Create a new exception.
	 * @param name the timeout instance name
	 * @param timeout the deadline that was exceeded
	 */
	public TimeoutExceededException(String name, Duration timeout) {
		super("'" + name + "' did not complete within " + timeout.toMillis() + "ms");
		this.name = name;
		this.timeout = timeout;
	}

	/**
	 * Return the name of the timeout instance whose deadline passed.
	 * @return the instance name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return the deadline that was exceeded.
	 * @return the configured timeout
	 */
	public Duration timeout() {
		return this.timeout;
	}

}
