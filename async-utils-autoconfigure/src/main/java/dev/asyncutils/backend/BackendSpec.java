package dev.asyncutils.backend;

import org.jspecify.annotations.Nullable;

/**
 * The backend part of a throttle or bounded {@code Spec} (its {@code defaults} or one of
 * its {@code instances}).
 */
public interface BackendSpec {

	/**
	 * Return where the state lives.
	 * @return the backend, {@code null} if unset
	 */
	@Nullable Backend getBackend();

	/**
	 * Return the {@code redis} group.
	 * @return the group, never {@code null}
	 */
	RedisSpec getRedis();

	/**
	 * Return the lease time of the {@code redis} group, for bounded instances.
	 * @return the lease time, {@code null} if unset or not applicable
	 */
	default java.time.@Nullable Duration redisLeaseTime() {
		return null;
	}

}
