package dev.asyncutils.redis;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import io.lettuce.core.ScriptOutputType;

import dev.asyncutils.throttle.RemoteThrottle;
import dev.asyncutils.throttle.ThrottleSettings;

/**
 * A token bucket in Redis: one string key holding the bucket's "theoretical arrival time"
 * (GCRA) in microseconds of the Redis server's clock, updated by one Lua script per
 * permit: one round trip, atomic, and independent of the JVMs' clocks. The key expires
 * once the bucket would be full again.
 */
final class RedisThrottle extends RedisInstance implements RemoteThrottle {

	private final String intervalMicros;

	private final String burst;

	private volatile int available;

	RedisThrottle(RedisBackend backend, ThrottleSettings settings, BooleanSupplier closed) {
		super(backend, "throttle", settings.name(), settings.backend(), closed);
		// rounded up, like the local bucket: rounding never admits more
		this.intervalMicros = Long.toString((settings.intervalNanos() + 999) / 1000);
		this.burst = Integer.toString(settings.burst());
		this.available = settings.burst();
	}

	@Override
	public CompletableFuture<Long> reserve(long maxWaitNanos, long timeoutNanos) {
		// rounded down: never waits longer than allowed
		String maxWait = (maxWaitNanos == Long.MAX_VALUE) ? "-1" : Long.toString(maxWaitNanos / 1000);
		return this.backend
			.<List<Object>>call(this.health, timeoutNanos,
					(commands) -> RedisBackend.THROTTLE.run(commands, ScriptOutputType.MULTI, this.keys,
							this.intervalMicros, this.burst, maxWait),
					null)
			.thenApply(this::answer);
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
