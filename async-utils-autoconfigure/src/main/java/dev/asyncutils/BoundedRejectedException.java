package dev.asyncutils;

import java.util.concurrent.RejectedExecutionException;

/**
 * Thrown (or used to complete a stage or a publisher exceptionally) when a call guarded
 * by {@link dev.asyncutils.annotation.Bounded @Bounded} gets no slot: the queue of
 * waiting callers is full, the caller waited longer than its {@code maxWait}, or it was
 * interrupted while it waited.
 */
public class BoundedRejectedException extends RejectedExecutionException {

	private static final long serialVersionUID = 1L;

	private final String name;

	private final int limit;

	/**
	 * Create a new exception.
	 * @param name the bounded instance name
	 * @param limit the most invocations in flight at once
	 * @param reason why the call was rejected
	 */
	public BoundedRejectedException(String name, int limit, String reason) {
		super("Bounded '" + name + "' (at most " + limit + " in flight) rejected the call: " + reason);
		this.name = name;
		this.limit = limit;
	}

	/**
	 * Return the name of the bounded instance that rejected the call.
	 * @return the instance name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return the limit of invocations in flight.
	 * @return the limit
	 */
	public int limit() {
		return this.limit;
	}

}
