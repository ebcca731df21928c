package dev.asyncutils.backend;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The {@code redis} group of a bounded instance: the common settings and the lease time
 * of a slot.
 */
public class BoundedRedisSpec extends RedisSpec {

	/**
	 * How long a slot stays held in Redis without renewal. A live holder renews it every
	 * third of this time; the slots of a process that died come back after at most this
	 * time. Must be at least 3 times the timeout. Built-in default: 30s.
	 */
	private @Nullable Duration leaseTime;

	/**
	 * Return the lease time.
	 * @return the lease time, {@code null} if unset
	 */
	public @Nullable Duration getLeaseTime() {
		return this.leaseTime;
	}

	/**
	 * Set the lease time.
	 * @param leaseTime the lease time
	 */
	public void setLeaseTime(@Nullable Duration leaseTime) {
		this.leaseTime = leaseTime;
	}

}
