package dev.asyncutils.backend;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.Settings;
import dev.asyncutils.core.Settings.Setting;

/**
 * Resolves and checks the backend settings of one instance, with the precedence of every
 * other setting ({@code instances.<name>} &gt; {@code defaults} &gt; built-in; the
 * annotations have no backend attributes).
 */
public final class Backends {

	private Backends() {
	}

	/**
	 * Resolve the backend settings of one instance.
	 * @param settings the resolver for the instance
	 * @param instance its {@code instances.<name>} spec, if any
	 * @param defaults the {@code defaults} spec
	 * @param withLease whether the instance holds slots (bounded) and needs a lease time
	 * @param available tells whether a backend module for {@code redis} is present (asked
	 * only for a remote instance)
	 * @return the validated settings; {@link BackendSettings#LOCAL} for a local instance
	 */
	public static BackendSettings resolve(Settings settings, @Nullable BackendSpec instance, BackendSpec defaults,
			boolean withLease, BooleanSupplier available) {
		Setting<Backend> backend = settings.pick("backend", "backend",
				(instance != null) ? instance.getBackend() : null, null, defaults.getBackend(), Backend.LOCAL);
		if (backend.required() == Backend.LOCAL) {
			return BackendSettings.LOCAL;
		}
		if (!available.getAsBoolean()) {
			throw settings.invalid(backend,
					"needs the async-utils-redis module: add the dependency dev.asyncutils:async-utils-redis "
							+ "(it connects through Spring Boot's Lettuce connection, spring.data.redis.*)");
		}
		RedisSpec redis = (instance != null) ? instance.getRedis() : null;
		Setting<String> keyPrefix = settings.pick("redis.keyPrefix", "redis.key-prefix",
				(redis != null) ? redis.getKeyPrefix() : null, null, defaults.getRedis().getKeyPrefix(),
				BackendSettings.DEFAULT_KEY_PREFIX);
		Setting<OnFailure> onFailure = settings.pick("redis.onFailure", "redis.on-failure",
				(redis != null) ? redis.getOnFailure() : null, null, defaults.getRedis().getOnFailure(),
				BackendSettings.DEFAULT_ON_FAILURE);
		Setting<Duration> timeout = settings.pick("redis.timeout", "redis.timeout",
				(redis != null) ? redis.getTimeout() : null, null, defaults.getRedis().getTimeout(),
				BackendSettings.DEFAULT_TIMEOUT);
		if (timeout.required().isNegative() || timeout.required().isZero()) {
			throw settings.invalid(timeout, "must be positive");
		}
		Duration leaseTime = null;
		if (withLease) {
			Setting<Duration> lease = settings.pick("redis.leaseTime", "redis.lease-time",
					(instance != null) ? instance.redisLeaseTime() : null, null, defaults.redisLeaseTime(),
					BackendSettings.DEFAULT_LEASE_TIME);
			if (lease.required().compareTo(timeout.required().multipliedBy(3)) < 0) {
				throw settings.invalid(lease, "must be at least 3 times redis.timeout (" + timeout.display()
						+ "): leases are renewed every third of it, and a renewal may take up to the timeout");
			}
			leaseTime = lease.required();
		}
		return new BackendSettings(backend.required(), keyPrefix.required(), onFailure.required(), timeout.required(),
				leaseTime);
	}

}
