package dev.asyncutils.backend;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The effective backend settings of one throttle or bounded instance.
 *
 * @param backend where the state lives
 * @param keyPrefix the prefix of the remote keys
 * @param onFailure what a call does while the backend is unavailable
 * @param timeout the longest wait for one command
 * @param leaseTime how long a bounded slot stays held without renewal ({@code null} for a
 * throttle)
 */
public record BackendSettings(Backend backend, String keyPrefix, OnFailure onFailure, Duration timeout,
		@Nullable Duration leaseTime) {

	/** Built-in default of {@code redis.key-prefix}. */
	public static final String DEFAULT_KEY_PREFIX = "async-utils:";

	/** Built-in default of {@code redis.on-failure}. */
	public static final OnFailure DEFAULT_ON_FAILURE = OnFailure.LOCAL;

	/** Built-in default of {@code redis.timeout}. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(250);

	/** Built-in default of {@code redis.lease-time}. */
	public static final Duration DEFAULT_LEASE_TIME = Duration.ofSeconds(30);

	/** The settings of every local instance: the other values do not apply. */
	public static final BackendSettings LOCAL = new BackendSettings(Backend.LOCAL, DEFAULT_KEY_PREFIX,
			DEFAULT_ON_FAILURE, DEFAULT_TIMEOUT, null);

	/**
	 * Return whether the state lives outside this JVM.
	 * @return {@code true} unless the backend is local
	 */
	public boolean isRemote() {
		return this.backend != Backend.LOCAL;
	}

	/**
	 * Return the command timeout for a caller who may wait at most {@code maxWait}: the
	 * configured timeout, shortened to {@code maxWait} when that is shorter and above 0
	 * (a caller that may not wait at all still needs one round trip).
	 * @param maxWait the caller's max-wait, {@code null} for unbounded
	 * @return the command timeout in nanoseconds
	 */
	public long timeoutNanos(@Nullable Duration maxWait) {
		long timeout = this.timeout.toNanos();
		if (maxWait != null && !maxWait.isZero() && maxWait.toNanos() < timeout) {
			return maxWait.toNanos();
		}
		return timeout;
	}

}
