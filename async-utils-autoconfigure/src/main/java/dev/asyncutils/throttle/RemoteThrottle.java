package dev.asyncutils.throttle;

import java.util.concurrent.CompletableFuture;

import dev.asyncutils.backend.BackendUnavailableException;
import dev.asyncutils.backend.RemoteInstance;

/**
 * A token bucket whose state lives in a remote store, with the semantics of
 * {@link TokenBucket} (rate, per, burst; a caller reserves the next permit and waits for
 * it, or is rejected at once when it would wait longer than it may). Implementations
 * never block the calling thread and always complete within the command timeout they are
 * given. Counting, waiting and the failure modes are done by the caller.
 */
public interface RemoteThrottle extends RemoteInstance {

	/**
	 * Reserve the next permit if it is due within {@code maxWaitNanos}.
	 * @param maxWaitNanos the longest acceptable wait, {@link Long#MAX_VALUE} for
	 * unbounded
	 * @param timeoutNanos the longest the answer may take
	 * @return completes with the nanoseconds still to wait for the reserved permit
	 * ({@code 0}: free now), or with a negative number {@code -(retryAfter + 1)} when
	 * nothing was reserved because the permit would come too late; completes
	 * exceptionally with {@link BackendUnavailableException} when the store did not
	 * answer in time
	 */
	CompletableFuture<Long> reserve(long maxWaitNanos, long timeoutNanos);

	/**
	 * Return how many permits could be taken back to back, as of the last answer.
	 * @return the free permits last seen, between 0 and {@code burst}
	 */
	int availablePermits();

}
