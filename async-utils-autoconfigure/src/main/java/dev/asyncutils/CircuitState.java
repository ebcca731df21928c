package dev.asyncutils;

/**
 * The state of a {@link dev.asyncutils.annotation.CircuitBreaker circuit breaker}.
 */
public enum CircuitState {

	/** Calls go through; their outcomes are recorded in the window. */
	CLOSED,

	/** Calls fail at once with {@link CircuitOpenException}. */
	OPEN,

	/** A fixed number of trial calls go through; the others fail as when open. */
	HALF_OPEN

}
