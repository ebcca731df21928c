package dev.asyncutils;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

/**
 * Thrown (or used to complete a stage or a publisher exceptionally) when a call guarded
 * by {@link dev.asyncutils.annotation.Throttle @Throttle} gets no permit: the next one
 * would come later than the caller's {@code maxWait}, or the caller was interrupted while
 * it waited.
 */
public class ThrottleRejectedException extends RejectedExecutionException {

	private static final long serialVersionUID = 1L;

	private final String name;

	private final Duration retryAfter;

	/**
	 * Create a new exception.
	 * @param name the throttle instance name
	 * @param retryAfter how long until a permit would have been free
	 * @param reason why the call was rejected
	 */
	public ThrottleRejectedException(String name, Duration retryAfter, String reason) {
		super("Throttle '" + name + "' rejected the call: " + reason + "; a permit is free in " + retryAfter.toMillis()
				+ "ms");
		this.name = name;
		this.retryAfter = retryAfter;
	}

	/**
	 * Return the name of the throttle instance that rejected the call.
	 * @return the instance name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return how long until a permit would have been free, measured when the call was
	 * rejected.
	 * @return the time until the next permit
	 */
	public Duration retryAfter() {
		return this.retryAfter;
	}

}
