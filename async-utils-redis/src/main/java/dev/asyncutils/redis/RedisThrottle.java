package dev.asyncutils.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import io.lettuce.core.ScriptOutputType;

import dev.asyncutils.throttle.RemoteThrottle;
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
 */
final class RedisThrottle extends RedisInstance implements RemoteThrottle {

	/**
	 * The script's arguments after permits and max wait: interval and burst of each
	 * limit.
	 */
	private final String[] limitArgs;

	private final String[] limitKeys;

	private volatile int available;

	RedisThrottle(RedisBackend backend, ThrottleSettings settings, BooleanSupplier closed) {
		super(backend, "throttle", settings.name(), settings.backend(), closed);
		List<ThrottleSettings.Limit> limits = settings.allLimits();
		this.limitArgs = new String[2 + 2 * limits.size()];
		this.limitArgs[0] = "1";
		int available = Integer.MAX_VALUE;
		for (int i = 0; i < limits.size(); i++) {
			ThrottleSettings.Limit limit = limits.get(i);
			// rounded up, like the local bucket: rounding never admits more
			this.limitArgs[2 + 2 * i] = Long.toString((limit.intervalNanos() + 999) / 1000);
			this.limitArgs[3 + 2 * i] = Integer.toString(limit.burst());
			available = Math.min(available, limit.burst());
		}
		this.limitKeys = limitKeys(this.keys[0], limits.size());
		this.available = available;
	}

	@Override
	public CompletableFuture<Long> reserve(long maxWaitNanos, long timeoutNanos) {
		// rounded down: never waits longer than allowed
		String[] args = this.limitArgs.clone();
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
