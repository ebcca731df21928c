package dev.asyncutils.core.admission;

import org.jspecify.annotations.Nullable;

/**
 * What one admitted call holds until it ends, given back exactly once by whoever holds it
 * (the invokers of {@link AdmissionInvokers}: when the method returns, when the returned
 * stage completes, when the publisher terminates or is cancelled).
 *
 * <p>
 * A throttle permit is spent when taken: its permit is {@link #NONE}, and the invokers
 * skip the release entirely. A bounded slot is given back to its limiter, locally or in
 * the remote store where it was taken. A guard that learns from outcomes (a circuit
 * breaker) overrides {@link #release(Throwable, long)} and answers
 * {@link Admission#recordsOutcome()} with {@code true}.
 */
@FunctionalInterface
public interface Permit {

	/** The permit of a guard that takes nothing to give back. */
	Permit NONE = () -> {
	};

	/**
	 * Give back what was taken, recording no outcome (the call was cancelled, or the
	 * guard does not record outcomes).
	 */
	void release();

	/**
	 * Give back what was taken, with the outcome of the call. Called instead of
	 * {@link #release()} only for guards whose {@link Admission#recordsOutcome()} is
	 * {@code true}.
	 * @param failure what the call failed with, {@code null} if it succeeded
	 * @param durationNanos how long the call ran, from its start to its outcome
	 */
	default void release(@Nullable Throwable failure, long durationNanos) {
		release();
	}

}
