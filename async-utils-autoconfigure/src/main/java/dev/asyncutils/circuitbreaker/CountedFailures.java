package dev.asyncutils.circuitbreaker;

import java.util.concurrent.CancellationException;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.core.admission.WaitingCalls;

/**
 * Which failures a breaker counts: those record-on lists and ignore-on does not, never a
 * cancellation, a rejection by {@code @Bounded} or {@code @Throttle} below, or the end of
 * a call waiting below when the application shuts down. Resolved once per breaker into
 * arrays, so that classifying a failure allocates nothing.
 */
final class CountedFailures {

	private final Class<?>[] recordOn;

	private final Class<?>[] ignoreOn;

	CountedFailures(BreakerSettings settings) {
		this.recordOn = settings.recordOn().toArray(Class<?>[]::new);
		this.ignoreOn = settings.ignoreOn().toArray(Class<?>[]::new);
	}

	/**
	 * Return whether a failure counts.
	 * @param failure the failure, unwrapped
	 * @return {@code true} if it counts as a failed call
	 */
	boolean counts(Throwable failure) {
		if (failure instanceof CancellationException || failure instanceof ThrottleRejectedException
				|| failure instanceof BoundedRejectedException || WaitingCalls.isShuttingDown(failure)) {
			return false;
		}
		for (Class<?> type : this.ignoreOn) {
			if (type.isInstance(failure)) {
				return false;
			}
		}
		for (Class<?> type : this.recordOn) {
			if (type.isInstance(failure)) {
				return true;
			}
		}
		return false;
	}

}
