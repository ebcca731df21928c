package dev.asyncutils.backend;

import java.util.Map;

import dev.asyncutils.core.Signals;

/**
 * What every remote instance (throttle or bounded) tells metrics and the actuator
 * endpoint about its backend.
 */
public interface RemoteInstance {

	/**
	 * Return whether the backend answered the last command in time.
	 * @return {@code true} while healthy
	 */
	boolean healthy();

	/**
	 * Return how many commands failed (error or timeout), and how many calls were decided
	 * by the failure mode without asking the backend because it was unhealthy.
	 * @return the failures so far
	 */
	long failureCount();

	/**
	 * Describe the backend's state for the actuator endpoint.
	 * @return e.g. {@code healthy}, {@code key}, {@code onFailure}
	 */
	Map<String, Object> describe();

	/**
	 * Return this process's share of the instance's limit, for the {@code local} failure
	 * mode: learned from the backend while it answers, kept while it does not.
	 * @return the share; {@link FallbackShare#ALONE} (the whole limit) for a backend that
	 * does not count the processes
	 */
	default FallbackShare share() {
		return FallbackShare.ALONE;
	}

	/**
	 * Tell every later change of health to these signals.
	 * @param signals the signals (events, observations)
	 */
	default void signals(Signals signals) {
	}

}
