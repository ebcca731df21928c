package dev.asyncutils;

/**
 * The state of a circuit breaker.
 */
public enum CircuitState {

	/** Calls go through and their outcomes are recorded. */
	CLOSED,

	/** Calls fail at once with {@code CircuitOpenException}. */
	OPEN,

	/** A limited number of trial calls go through; the rest are rejected as if open. */
	HALF_OPEN

}
