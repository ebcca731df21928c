package dev.asyncutils;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

/**
 * Thrown (or used to complete a stage or a publisher exceptionally) when a call guarded
 * by {@link dev.asyncutils.annotation.CircuitBreaker @CircuitBreaker} is not let through:
 * the breaker is open, or it is half-open and its trial calls are taken. Nothing below
 * the breaker ran.
 */
public class CircuitOpenException extends RejectedExecutionException {

	private static final long serialVersionUID = 1L;

	private final String name;

	private final Duration retryAfter;

	/**
	 * Create a new exception.
	 * @param name the circuit breaker instance name
	 * @param state the state that rejected the call
	 * @param retryAfter how long until the breaker lets trial calls through
	 */
	public CircuitOpenException(String name, CircuitState state, Duration retryAfter) {
		super("Circuit breaker '" + name + "' is " + ((state == CircuitState.OPEN) ? "open" : "half-open")
				+ " and rejected the call: "
				+ ((state == CircuitState.OPEN) ? "trial calls are let through in " + retryAfter.toMillis() + "ms"
						: "its trial calls are taken"));
		this.name = name;
		this.retryAfter = retryAfter;
	}

	/**
	 * Return the name of the circuit breaker instance that rejected the call.
	 * @return the instance name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return how long the breaker was to stay open when it rejected the call: the time
	 * until it lets trial calls through; {@link Duration#ZERO} when it was half-open (its
	 * trial calls were taken and their outcome decides).
	 * @return the time left open
	 */
	public Duration retryAfter() {
		return this.retryAfter;
	}

}
