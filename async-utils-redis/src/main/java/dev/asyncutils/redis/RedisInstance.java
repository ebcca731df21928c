package dev.asyncutils.redis;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

import dev.asyncutils.backend.BackendSettings;
import dev.asyncutils.backend.RemoteInstance;
import dev.asyncutils.core.Signals;

/**
 * What a throttle and a bounded instance in Redis share: the backend, the one key that
 * holds the instance's state (or the state of one key value of a keyed instance), and the
 * instance's health.
 */
abstract class RedisInstance implements RemoteInstance {

	final RedisBackend backend;

	/** The instance's key, alone in an array, as scripts take their keys. */
	final String[] keys;

	final Health health;

	RedisInstance(RedisBackend backend, String kind, String name, BackendSettings redis, BooleanSupplier closed) {
		this.backend = backend;
		this.keys = new String[] { redis.keyPrefix() + kind + ":" + name };
		this.health = new Health(kind, name, redis.onFailure(), closed);
	}

	/**
	 * Create the state of one key of a keyed instance: its own Redis key,
	 * {@code <instance key>:key:<key value>}, and the instance's health.
	 * @param instance the instance
	 * @param key the key value
	 */
	RedisInstance(RedisInstance instance, String key) {
		this.backend = instance.backend;
		this.keys = new String[] { instance.keys[0] + ":key:" + key };
		this.health = instance.health;
	}

	@Override
	public boolean healthy() {
		return this.health.healthy();
	}

	@Override
	public void signals(Signals signals) {
		this.health.signals(signals);
	}

	@Override
	public long failureCount() {
		return this.health.failureCount();
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("key", this.keys[0]);
		return described;
	}

}
