package dev.asyncutils.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.bounded.BoundedLimiter;
import dev.asyncutils.bounded.BoundedRegistry;
import dev.asyncutils.bounded.Slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @Bounded(key)} with {@code backend: redis}: one sorted set of leased slots per
 * key value, shared by every context that uses the instance; keys independent of each
 * other and of the unkeyed limit; a live holder's lease renewed past the lease time; a
 * key's Redis key gone once no lease is held; keyed slots removed at shutdown; while
 * Redis is down the local fallback keeps a limit per key.
 */
@Timeout(60)
class RedisBoundedKeysTests extends RedisTestSupport {

	private static final Class<?>[] BEANS = { Tenants.class };

	private static final String ACME = "async-utils:bounded:tenants:key:acme";

	private static String[] keyed(String... more) {
		List<String> all = new ArrayList<>(List.of("async-utils.bounded.instances.tenants.backend=redis",
				"async-utils.bounded.instances.tenants.max-concurrent=2",
				"async-utils.bounded.instances.tenants.max-wait=0",
				"async-utils.bounded.instances.tenants.redis.lease-time=3s",
				"async-utils.bounded.instances.tenants.redis.timeout=1s",
				"async-utils.bounded.instances.tenants.redis.on-failure=fail-closed"));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	@Test
	void threeContextsShareEachKeysSlotsAndKeysAreIndependent() throws Exception {
		Probe probe = new Probe();
		List<Tenants> beans = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			beans.add(start(probe, BEANS, keyed()).getBean(Tenants.class));
		}
		CompletableFuture<Void> release = new CompletableFuture<>();
		List<CompletableFuture<Void>> held = new ArrayList<>();
		// each call's admission is awaited before the next: an asynchronous caller's
		// question to redis is still under way when the method returns its stage
		held.add(admitted(probe, () -> beans.get(0).hold("acme", release)));
		held.add(admitted(probe, () -> beans.get(1).hold("acme", release)));
		assertThat(failure(beans.get(2).hold("acme", release))).isInstanceOf(BoundedRejectedException.class);
		held.add(admitted(probe, () -> beans.get(2).hold("globex", release)));
		held.add(admitted(probe, () -> beans.get(2).hold("globex", release)));
		assertThat(failure(beans.get(0).hold("globex", release))).isInstanceOf(BoundedRejectedException.class);
		held.add(admitted(probe, () -> beans.get(1).hold(null, release)));
		held.add(admitted(probe, () -> beans.get(2).hold(null, release)));
		assertThat(failure(beans.get(0).hold(null, release))).isInstanceOf(BoundedRejectedException.class);
		assertThat(probe.admitted.get()).isEqualTo(6);
		assertThat(redis().zcard(ACME)).isEqualTo(2);
		assertThat(redis().zcard("async-utils:bounded:tenants:key:globex")).isEqualTo(2);
		assertThat(redis().zcard("async-utils:bounded:tenants")).isEqualTo(2);
		release.complete(null);
		CompletableFuture.allOf(held.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
		// a key holding no lease costs nothing in redis
		awaitNoKeys();
	}

	@Test
	void aLiveHolderOfAKeyKeepsItsSlotPastTheLeaseTime() throws Exception {
		Probe probe = new Probe();
		String[] properties = keyed("async-utils.bounded.instances.tenants.max-concurrent=1",
				"async-utils.bounded.instances.tenants.redis.lease-time=900ms",
				"async-utils.bounded.instances.tenants.redis.timeout=300ms");
		Tenants holder = start(probe, BEANS, properties).getBean(Tenants.class);
		Tenants other = start(probe, BEANS, properties).getBean(Tenants.class);
		CompletableFuture<Void> release = new CompletableFuture<>();
		CompletableFuture<Void> held = admitted(probe, () -> holder.hold("acme", release));
		long begin = System.nanoTime();
		int rejected = 0;
		while (System.nanoTime() - begin < TimeUnit.MILLISECONDS.toNanos(2700)) {
			assertThat(failure(other.hold("acme", release))).isInstanceOf(BoundedRejectedException.class);
			rejected++;
			Thread.sleep(100);
		}
		assertThat(rejected).isGreaterThan(10);
		// the key outlives its longest lease by a second, no more
		assertThat(redis().pttl(ACME)).isBetween(1L, 1900L);
		release.complete(null);
		held.get(10, TimeUnit.SECONDS);
		awaitNoKeys();
		CompletableFuture<Void> again = new CompletableFuture<>();
		CompletableFuture<Void> taken = other.hold("acme", again);
		again.complete(null);
		taken.get(10, TimeUnit.SECONDS);
		assertThat(probe.admitted.get()).isEqualTo(2);
	}

	@Test
	void theSlotsOfEveryKeyHeldAtShutdownAreRemovedFromRedis() throws Exception {
		Probe probe = new Probe();
		ConfigurableApplicationContext context = start(probe, BEANS, keyed());
		Tenants bean = context.getBean(Tenants.class);
		CompletableFuture<Void> never = new CompletableFuture<>();
		admitted(probe, () -> bean.hold("acme", never));
		admitted(probe, () -> bean.hold("globex", never));
		admitted(probe, () -> bean.hold(null, never));
		assertThat(redis().keys("async-utils:bounded:*")).hasSize(3);
		context.close();
		assertThat(redis().keys("async-utils:bounded:*")).isEmpty();
	}

	@Test
	void theProgrammaticLimitOfAKeyIsTheOneInRedis() throws Exception {
		Probe probe = new Probe();
		ConfigurableApplicationContext context = start(probe, BEANS, keyed());
		BoundedLimiter acme = context.getBean(BoundedRegistry.class).get("tenants").forKey("acme");
		Slot first = acme.tryAcquire();
		assertThat(first).isNotNull();
		Slot second = acme.acquire();
		assertThat(redis().zcard(ACME)).isEqualTo(2);
		Tenants bean = context.getBean(Tenants.class);
		assertThat(failure(bean.hold("acme", new CompletableFuture<>()))).isInstanceOf(BoundedRejectedException.class);
		first.close();
		second.close();
		awaitNoKeys();
	}

	@Test
	void whileRedisIsDownTheLocalFallbackKeepsALimitPerKey() throws Exception {
		Probe probe = new Probe();
		Tenants bean = start(probe, BEANS, keyed("async-utils.bounded.instances.tenants.redis.on-failure=local",
				"async-utils.bounded.instances.tenants.redis.timeout=300ms"))
			.getBean(Tenants.class);
		CompletableFuture<Void> release = new CompletableFuture<>();
		server.kill();
		try {
			int acme = 0;
			int globex = 0;
			for (int i = 0; i < 4; i++) {
				acme += tryHold(probe, bean, "acme", release);
				globex += tryHold(probe, bean, "globex", release);
			}
			// the local limits per key: 2 each
			assertThat(acme).isEqualTo(2);
			assertThat(globex).isEqualTo(2);
			release.complete(null);
			// given back to the local limit they were taken from
			CompletableFuture<Void> again = new CompletableFuture<>();
			assertThat(tryHold(probe, bean, "acme", again)).isOne();
			again.complete(null);
		}
		finally {
			server.restart();
		}
	}

	/**
	 * Call and wait for the outcome of the admission: 1 when the method was invoked (and
	 * holds its slot until release completes), 0 when rejected.
	 */
	private static int tryHold(Probe probe, Tenants bean, String tenant, CompletableFuture<Void> release)
			throws Exception {
		int before = probe.admitted.get();
		CompletableFuture<Void> held = bean.hold(tenant, release);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (probe.admitted.get() == before && !held.isCompletedExceptionally()) {
			assertThat(System.nanoTime()).as("an outcome within 10 s").isLessThan(deadline);
			Thread.sleep(2);
		}
		if (held.isCompletedExceptionally()) {
			assertThat(failure(held)).isInstanceOf(BoundedRejectedException.class);
			return 0;
		}
		return 1;
	}

	/**
	 * Call, and wait until the call was admitted (its method invoked).
	 */
	private static CompletableFuture<Void> admitted(Probe probe, Supplier<CompletableFuture<Void>> call)
			throws Exception {
		int before = probe.admitted.get();
		CompletableFuture<Void> held = call.get();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (probe.admitted.get() == before) {
			assertThat(held).as("admitted within 10 s").isNotDone();
			assertThat(System.nanoTime()).as("admitted within 10 s").isLessThan(deadline);
			Thread.sleep(2);
		}
		return held;
	}

	private static Throwable failure(CompletableFuture<?> future) throws Exception {
		try {
			future.get(10, TimeUnit.SECONDS);
			throw new AssertionError("Expected a failure, got " + future);
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
	}

	private static void awaitNoKeys() throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (!redis().keys("async-utils:bounded:*").isEmpty() && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(redis().keys("async-utils:bounded:*")).isEmpty();
	}

	static class Tenants {

		private final Probe probe;

		Tenants(Probe probe) {
			this.probe = probe;
		}

		@Bounded(name = "tenants", key = "#tenant")
		public CompletableFuture<Void> hold(String tenant, CompletableFuture<Void> release) {
			this.probe.admitted.incrementAndGet();
			return release.thenApply((value) -> value);
		}

	}

}
