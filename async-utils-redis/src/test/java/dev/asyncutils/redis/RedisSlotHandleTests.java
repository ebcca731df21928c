package dev.asyncutils.redis;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.bounded.BoundedLimiter;
import dev.asyncutils.bounded.BoundedRegistry;
import dev.asyncutils.bounded.Slot;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Programmatic slots of a Redis instance are handles: giving one back releases exactly
 * that slot, wherever it was taken (in Redis, or locally while Redis was unavailable).
 */
@Timeout(60)
class RedisSlotHandleTests extends RedisTestSupport {

	private static final String KEY = "async-utils:bounded:shared";

	private static String[] shared() {
		return props("async-utils.bounded.instances.shared.backend=redis",
				"async-utils.bounded.instances.shared.max-concurrent=1",
				"async-utils.bounded.instances.shared.max-wait=0",
				"async-utils.bounded.instances.shared.redis.timeout=200ms",
				"async-utils.bounded.instances.shared.redis.on-failure=local");
	}

	@Test
	void aLocalFallbackSlotGivenBackNeverFreesAnotherCallersRedisSlot() throws Exception {
		BoundedLimiter one = start(new Probe(), new Class<?>[0], shared()).getBean(BoundedRegistry.class).get("shared");
		BoundedLimiter two = start(new Probe(), new Class<?>[0], shared()).getBean(BoundedRegistry.class).get("shared");
		// caller A of process one takes a local slot while Redis stalls
		redis().clientPause(800);
		Slot a = one.acquire();
		assertThat(redis().zcard(KEY)).isZero();
		// Redis answers again: caller B of process one takes the Redis slot
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		Slot b = null;
		while (b == null && System.nanoTime() < deadline) {
			try {
				b = one.acquire();
			}
			catch (BoundedRejectedException ex) {
				Thread.sleep(50);
			}
		}
		assertThat(b).isNotNull();
		assertThat(redis().zcard(KEY)).isOne();
		// A finishes: its local slot goes back, B's Redis slot stays held
		a.close();
		Thread.sleep(200);
		assertThat(redis().zcard(KEY)).isOne();
		// so process two cannot start a second call under a limit of 1
		assertThat(two.tryAcquire()).isNull();
		// closing A again does nothing; closing B frees the Redis slot, once
		a.close();
		assertThat(redis().zcard(KEY)).isOne();
		b.close();
		b.close();
		deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
		while (redis().zcard(KEY) != 0 && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(redis().zcard(KEY)).isZero();
		Slot c = two.tryAcquire();
		assertThat(c).isNotNull();
		assertThat(one.tryAcquire()).isNull();
		c.close();
	}

}
