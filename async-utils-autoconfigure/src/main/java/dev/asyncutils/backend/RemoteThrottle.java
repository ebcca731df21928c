package dev.asyncutils.backend;

import java.util.concurrent.CompletableFuture;

/**
 * A token bucket whose state lives in a remote store, with the semantics of
 * {@link dev.asyncutils.throttle.TokenBucket} (rate, per, burst; a caller reserves the
 * next permit and waits for it, or is rejected at once when it would wait longer than it
 * may). Implementations never block the calling thread and always complete within the
 * command timeout they are given. Counting, waiting and the failure modes are done by the
 * caller.
 *
 * <p>
 * A keyed instance has one remote bucket per key value besides its own (the bucket of a
 * {@code null} key): {@link #forKey(String)} hands out a view of one key's bucket, with
 * the instance's settings and health.
 */
public interface RemoteThrottle extends RemoteInstance {

	/**
	 * Reserve the next permits, from every limit at once, if they are due within
	 * {@code maxWaitNanos}; reserve nothing otherwise.
	 * @param permits how many, from 1 to the smallest burst of the limits
	 * @param maxWaitNanos the longest acceptable wait, {@link Long#MAX_VALUE} for
	 * unbounded
	 * @param timeoutNanos the longest the answer may take
	 * @return completes with the nanoseconds still to wait for the reserved permit
	 * ({@code 0}: free now), or with a negative number {@code -(retryAfter + 1)} when
	 * nothing was reserved because the permit would come too late; completes
	 * exceptionally with {@link BackendUnavailableException} when the store did not
	 * answer in time
	 */
	CompletableFuture<Long> reserve(int permits, long maxWaitNanos, long timeoutNanos);

	/**
	 * Return the remote bucket of one key of this instance: its own state in the store
	 * (created on first use, and gone from the store once it is full again), this
	 * instance's settings, limits and health. Called once per key while this JVM holds
	 * the key, never per call.
	 * @param key the key value, as a string
	 * @return the key's bucket
	 */
	RemoteThrottle forKey(String key);

	/**
	 * Return how many permits could be taken back to back, as of the last answer for this
	 * bucket.
	 * @return the free permits last seen, between 0 and {@code burst}
	 */
	int availablePermits();

}
