package dev.asyncutils.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import io.lettuce.core.ScriptOutputType;

import dev.asyncutils.backend.RemoteThrottle;
import dev.asyncutils.throttle.ThrottleSettings;

/**
 * A token bucket in Redis: one string key per limit holding the limit's "theoretical
 * arrival time" (GCRA) in microseconds of the Redis server's clock, all updated by one
 * Lua script per call: one round trip, atomic across the limits (none is taken from when
 * one rejects), and independent of the JVMs' clocks. Each key expires once its limit
 * would be full again. An instance with one limit keeps its state under
 * {@code <prefix>throttle:<name>}; one with several limits under
 * {@code {<prefix>throttle:<name>}} and {@code {<prefix>throttle:<name>}:limit:<i>}, one
 * hash tag, so that a cluster keeps them in one slot.
 *
 * <p>
 * Each key value of a keyed instance has a bucket of its own, the same way under
 * {@code <prefix>throttle:<name>:key:<key value>}: a key that is not in use costs nothing
 * in Redis once its bucket is full again.
 */
final class RedisThrottle extends RedisInstance implements RemoteThrottle {

	/**
	 * The script's arguments: permits and max wait (set per call), then interval and
	 * burst of each limit.
	 */
	private final String[] limitArgs;

	private final String[] limitKeys;

	/** The smallest burst of the limits: what a bucket holds when full. */
	private final int maxPermits;

	private volatile int available;

	RedisThrottle(RedisBackend backend, ThrottleSettings settings, BooleanSupplier closed) {
		super(backend, "throttle", settings.name(), settings.backend(), closed);
		List<ThrottleSettings.Limit> limits = settings.allLimits();
		this.limitArgs = new String[2 + 2 * limits.size()];
		int available = Integer.MAX_VALUE;
		for (int i = 0; i < limits.size(); i++) {
			ThrottleSettings.Limit limit = limits.get(i);
			// rounded up, like the local bucket: rounding never admits more
			this.limitArgs[2 + 2 * i] = Long.toString((limit.intervalNanos() + 999) / 1000);
			this.limitArgs[3 + 2 * i] = Integer.toString(limit.burst());
			available = Math.min(available, limit.burst());
		}
		this.limitKeys = limitKeys(this.keys[0], limits.size());
		this.maxPermits = available;
		this.available = available;
	}

	private RedisThrottle(RedisThrottle instance, String key) {
		super(instance, key);
		this.limitArgs = instance.limitArgs;
		this.limitKeys = limitKeys(this.keys[0], instance.limitKeys.length);
		this.maxPermits = instance.maxPermits;
		this.available = instance.maxPermits;
	}

	@Override
	public RemoteThrottle forKey(String key) {
		return new RedisThrottle(this, key);
	}

	@Override
	public CompletableFuture<Long> reserve(int permits, long maxWaitNanos, long timeoutNanos) {
		// rounded down: never waits longer than allowed
		String[] args = this.limitArgs.clone();
		args[0] = Integer.toString(permits);
		args[1] = (maxWaitNanos == Long.MAX_VALUE) ? "-1" : Long.toString(maxWaitNanos / 1000);
		return this.backend.<List<Object>>call(this.health, timeoutNanos,
				(commands) -> RedisBackend.THROTTLE.run(commands, ScriptOutputType.MULTI, this.limitKeys, args), null)
			.thenApply(this::answer);
	}

	/**
	 * Return the keys of a bucket's limits.
	 * @param base the bucket's key
	 * @param count how many limits
	 * @return the keys, one per limit, in one hash slot when there are several
	 */
	static String[] limitKeys(String base, int count) {
		if (count == 1) {
			return new String[] { base };
		}
		String[] keys = new String[count];
		keys[0] = "{" + base + "}";
		for (int i = 1; i < count; i++) {
			keys[i] = keys[0] + ":limit:" + i;
		}
		return keys;
	}

	private long answer(List<Object> reply) {
		long permitted = (Long) reply.get(0);
		long micros = (Long) reply.get(1);
		this.available = (int) (long) (Long) reply.get(2);
		if (permitted == 1) {
			return micros * 1000;
		}
		return -(micros * 1000) - 1;
	}

	@Override
	public int availablePermits() {
		return this.available;
	}

}
