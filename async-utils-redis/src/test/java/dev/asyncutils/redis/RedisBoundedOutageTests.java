package dev.asyncutils.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.bounded.BoundedLimiter;
import dev.asyncutils.bounded.BoundedRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @Bounded} on Redis around a short stall of Redis ({@code CLIENT PAUSE}): a slot
 * given back while the instance is unhealthy is still removed from Redis, and a waiter
 * whose retry stalls is rejected at its max-wait, not a command timeout later.
 */
@Timeout(60)
class RedisBoundedOutageTests extends RedisTestSupport {

	private static final String KEY = "async-utils:bounded:shared";

	private static String[] shared(String limit, String maxWait, String timeout) {
		return shared(limit, maxWait, timeout, "20s");
	}

	private static String[] shared(String limit, String maxWait, String timeout, String leaseTime) {
		return props("async-utils.bounded.instances.shared.backend=redis",
				"async-utils.bounded.instances.shared.max-concurrent=" + limit,
				"async-utils.bounded.instances.shared.max-wait=" + maxWait,
				"async-utils.bounded.instances.shared.redis.lease-time=" + leaseTime,
				"async-utils.bounded.instances.shared.redis.timeout=" + timeout,
				"async-utils.bounded.instances.shared.redis.on-failure=fail-closed");
	}

	@Test
	void aSlotGivenBackWhileUnhealthyIsRemovedFromRedisNotLeftToItsLease() throws Exception {
		ConfigurableApplicationContext context = start(new Probe(), new Class<?>[] { Guarded.class },
				shared("2", "0", "200ms"));
		Guarded bean = context.getBean(Guarded.class);
		BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("shared");
		CountDownLatch holding = new CountDownLatch(1);
		CompletableFuture<Void> release = new CompletableFuture<>();
		CompletableFuture<Void> held = bean.holdUntil(holding, release).toCompletableFuture();
		assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(redis().zcard(KEY)).isOne();
		// Redis stalls longer than the command timeout: the next call makes the instance
		// unhealthy
		redis().clientPause(600);
		assertThatExceptionOfType(BoundedRejectedException.class).isThrownBy(() -> bean.plain())
			.withMessageContaining("redis unavailable");
		// (the timeout rejects the call, then marks the instance unhealthy)
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
		while (limiter.remote().healthy() && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(limiter.remote().healthy()).isFalse();
		// the holder finishes while the instance is unhealthy
		release.complete(null);
		held.join();
		// Redis answers again; a call probes it and the instance is healthy again
		deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!limiter.remote().healthy() && System.nanoTime() < deadline) {
			try {
				bean.plain();
			}
			catch (BoundedRejectedException ex) {
				// not yet
			}
			Thread.sleep(50);
		}
		assertThat(limiter.remote().healthy()).isTrue();
		// the finished holder's slot is free now, not after its 20 s lease
		deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
		while (redis().zcard(KEY) != 0 && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(redis().zcard(KEY)).isZero();
	}

	@Test
	void aWaiterWhoseRetryStallsIsRejectedAtItsMaxWait() throws Exception {
		ConfigurableApplicationContext context = start(new Probe(), new Class<?>[] { Guarded.class },
				shared("1", "500ms", "500ms"));
		Guarded bean = context.getBean(Guarded.class);
		// every slot is held by another process
		redis().zadd(KEY, 1e16, "elsewhere");
		CompletableFuture<Long> waited = new CompletableFuture<>();
		Thread caller = new Thread(() -> {
			long begin = System.nanoTime();
			try {
				bean.plain();
				waited.completeExceptionally(new AssertionError("admitted"));
			}
			catch (BoundedRejectedException ex) {
				waited.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
			}
		});
		caller.start();
		// the caller is retrying (every 100 ms by now) when Redis stalls
		Thread.sleep(300);
		redis().clientPause(1500);
		long millis = waited.get(10, TimeUnit.SECONDS);
		// the retry sent at about 355 ms must not keep it until 855 ms
		assertThat(millis).isGreaterThanOrEqualTo(500).isLessThan(840);
	}

	@Test
	void callsThatEndAfterTheBackendStoppedStillCompleteWithTheirOwnOutcome() throws Exception {
		ConfigurableApplicationContext context = start(new Probe(), new Class<?>[] { Guarded.class },
				shared("2", "0", "200ms"));
		Guarded bean = context.getBean(Guarded.class);
		CountDownLatch holding = new CountDownLatch(1);
		CompletableFuture<Void> release = new CompletableFuture<>();
		CompletableFuture<Void> held = bean.holdUntil(holding, release).toCompletableFuture();
		assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
		CountDownLatch sleeping = new CountDownLatch(1);
		CompletableFuture<Void> plain = CompletableFuture.runAsync(() -> bean.sleep(sleeping, 300));
		assertThat(sleeping.await(5, TimeUnit.SECONDS)).isTrue();
		// the context shuts down while both calls run: the backend stops first
		context.getBean(RedisBackend.class).stop();
		release.complete(null);
		assertThat(held).succeedsWithin(Duration.ofSeconds(5));
		assertThat(plain).succeedsWithin(Duration.ofSeconds(5));
	}

	@Test
	void aProcessWithAShorterLeaseTimeDoesNotExpireTheLongerLeasesOfOthers() throws Exception {
		// say, during a rolling deployment that changes the lease time
		CountDownLatch holding = new CountDownLatch(1);
		CompletableFuture<Void> release = new CompletableFuture<>();
		Guarded longLease = start(new Probe(), new Class<?>[] { Guarded.class },
				props("async-utils.bounded.instances.shared.backend=redis",
						"async-utils.bounded.instances.shared.max-concurrent=2",
						"async-utils.bounded.instances.shared.redis.lease-time=30s",
						"async-utils.bounded.instances.shared.redis.on-failure=fail-closed"))
			.getBean(Guarded.class);
		CompletableFuture<Void> held = longLease.holdUntil(holding, release).toCompletableFuture();
		assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
		Guarded shortLease = start(new Probe(), new Class<?>[] { Guarded.class }, shared("2", "0", "200ms", "600ms"))
			.getBean(Guarded.class);
		shortLease.plain();
		Thread.sleep(2500);
		// the long lease is still held: nobody else may take its slot
		assertThat(redis().zcard(KEY)).isOne();
		release.complete(null);
		held.join();
	}

	@Test
	void aRejectionIsNotDeliveredOnTheBackendsTimerThread() throws Exception {
		ConfigurableApplicationContext context = start(new Probe(), new Class<?>[] { Guarded.class },
				shared("2", "0", "200ms"));
		Guarded bean = context.getBean(Guarded.class);
		redis().clientPause(3000);
		// a caller reacts to the rejection with another (plain) call, as a fallback would
		CompletableFuture<Long> nested = bean.stage().handle((value, failure) -> {
			assertThat(failure).isInstanceOf(BoundedRejectedException.class);
			long begin = System.nanoTime();
			try {
				bean.plain();
			}
			catch (BoundedRejectedException ex) {
				// fail-closed
			}
			return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
		});
		// the nested call is rejected within its own command timeout, not when Redis
		// answers again (its timer must not wait behind the first one's callback)
		assertThat(nested.get(10, TimeUnit.SECONDS)).isLessThan(1500);
	}

	static class Guarded {

		@Bounded(name = "shared")
		public CompletableFuture<Void> stage() {
			return CompletableFuture.completedFuture(null);
		}

		@Bounded(name = "shared")
		public void sleep(CountDownLatch sleeping, long millis) {
			sleeping.countDown();
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		@Bounded(name = "shared")
		public void plain() {
		}

		@Bounded(name = "shared")
		public CompletableFuture<Void> holdUntil(CountDownLatch holding, CompletableFuture<Void> release) {
			holding.countDown();
			return release;
		}

	}

}
