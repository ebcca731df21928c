package dev.asyncutils.throttle;

import dev.asyncutils.core.admission.Admission;

/**
 * The admission of a throttle instance, local or remote, with what the programmatic
 * {@link TokenBucket} and its meters ask besides admitting calls.
 */
interface ThrottleAdmission extends Admission {

	/**
	 * Return the admission of the same bucket for calls of another number of permits.
	 * @param permits permits per call, from 1 to the bucket's smallest burst
	 * @return the admission
	 */
	ThrottleAdmission withPermits(int permits);

	/**
	 * Take a permit only if one is free now (asking the remote store if there is one).
	 * @return {@code true} if a permit was taken
	 */
	boolean tryAcquire();

	/**
	 * Return how many permits could be taken back to back now (as last seen, remotely).
	 * @return the free permits
	 */
	int availablePermits();

	/**
	 * Return how many callers wait for a permit that is not due yet.
	 * @return the waiting callers
	 */
	int waiting();

}
