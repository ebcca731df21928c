package dev.asyncutils.bounded;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.admission.Admission;
import dev.asyncutils.core.admission.Permit;

/**
 * The admission of a bounded instance, local or remote, with what the programmatic
 * {@link BoundedLimiter} and its meters ask besides admitting calls.
 */
interface SlotAdmission extends Admission {

	/**
	 * Take a slot only if one is free now (asking the remote store if there is one).
	 * @return the slot's permit, or {@code null}
	 */
	@Nullable Permit tryAcquire();

	/**
	 * Return how many slots are held (across every JVM, as last seen, remotely).
	 * @return the held slots
	 */
	int active();

	/**
	 * Return how many callers of this JVM wait for a slot.
	 * @return the waiting callers
	 */
	int waiting();

}
