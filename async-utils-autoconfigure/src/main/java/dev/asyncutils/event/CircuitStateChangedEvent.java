package dev.asyncutils.event;

import dev.asyncutils.CircuitState;

/**
 * A circuit breaker changed state, published by the call (or the timer) that changed it.
 */
public class CircuitStateChangedEvent extends AsyncUtilsEvent {

	private final CircuitState from;

	private final CircuitState to;

	/**
	 * Create an event.
	 * @param name the circuit breaker instance
	 * @param from the state before
	 * @param to the state now
	 */
	public CircuitStateChangedEvent(String name, CircuitState from, CircuitState to) {
		super(name);
		this.from = from;
		this.to = to;
	}

	/**
	 * Return the state before the change.
	 * @return the previous state
	 */
	public CircuitState from() {
		return this.from;
	}

	/**
	 * Return the state after the change.
	 * @return the new state
	 */
	public CircuitState to() {
		return this.to;
	}

	@Override
	public String toString() {
		return "CircuitStateChangedEvent[name=" + name() + ", from=" + this.from + ", to=" + this.to + "]";
	}

}
