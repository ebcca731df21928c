package dev.asyncutils.core;

/**
 * Where an instance records a failed outcome together with its failure, for meters that
 * tag failures with their exception: nowhere until the metrics bind a recorder at
 * startup. Only failure paths call it.
 */
@FunctionalInterface
public interface FailureRecorder {

	/** Records nothing. */
	FailureRecorder NOWHERE = (result, failure) -> {
	};

	/**
	 * Record one failed outcome.
	 * @param result the outcome, a value of the meter's {@code result} tag, or
	 * {@code null} for a meter without one
	 * @param failure the failure behind it
	 */
	void record(@org.jspecify.annotations.Nullable String result, Throwable failure);

}
