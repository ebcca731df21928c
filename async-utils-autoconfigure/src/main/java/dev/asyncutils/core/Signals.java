package dev.asyncutils.core;

import java.time.Duration;

import dev.asyncutils.CircuitState;

/**
 * What the instances tell the application beyond their counters: a failed attempt that
 * will be retried, a rejection, a timeout, a fallback, a circuit or backend state change,
 * a wait. Bound once per instance at startup (application events, observation events);
 * called only where such a thing happens, never on the path of a call that succeeds at
 * once, and from the thread where it happened.
 */
public interface Signals {

	/** Tells nobody. */
	Signals NONE = new Signals() {
	};

	/**
	 * An attempt failed and another one follows.
	 * @param name the retry instance
	 * @param attempt the failed attempt, 1 for the first
	 * @param failure its failure
	 * @param nextDelayMillis the wait before the next attempt
	 */
	default void retrying(String name, int attempt, Throwable failure, long nextDelayMillis) {
	}

	/**
	 * A call was rejected without being run.
	 * @param kind {@code throttle}, {@code bounded} or {@code circuit-breaker}
	 * @param name the instance
	 */
	default void rejected(String kind, String name) {
	}

	/**
	 * A call's deadline passed.
	 * @param name the timeout instance
	 * @param timeout the deadline that passed
	 */
	default void timedOut(String name, Duration timeout) {
	}

	/**
	 * A fallback method answers a failed call.
	 * @param name the guarded method's instance name
	 * @param failure the failure it answers
	 */
	default void fallback(String name, Throwable failure) {
	}

	/**
	 * A circuit breaker changed state.
	 * @param name the circuit breaker instance
	 * @param from the state before
	 * @param to the state now
	 */
	default void circuitStateChanged(String name, CircuitState from, CircuitState to) {
	}

	/**
	 * An instance's remote backend became unhealthy or healthy again.
	 * @param kind {@code throttle} or {@code bounded}
	 * @param name the instance
	 * @param backend the backend, e.g. {@code redis}
	 * @param healthy whether it is healthy now
	 */
	default void backendHealthChanged(String kind, String name, String backend, boolean healthy) {
	}

	/**
	 * A call waited for a permit or a slot and got it (observation events only).
	 * @param kind {@code throttle} or {@code bounded}
	 * @param name the instance
	 * @param nanos how long it waited
	 */
	default void waited(String kind, String name, long nanos) {
	}

}
