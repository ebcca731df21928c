package dev.asyncutils.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.throttle.ThrottleRegistry;
import dev.asyncutils.throttle.TokenBucket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @Throttle(key, permits)} with {@code backend: redis}: one bucket per key in
 * Redis, shared by every context that uses the instance; keys independent of each other
 * and of the unkeyed bucket; weighted calls; a key's Redis key expires once its bucket is
 * full again; while Redis is down the local fallback keeps a bucket per key.
 */
@Timeout(60)
class RedisThrottleKeysTests extends RedisTestSupport {

	private static final Class<?>[] BEANS = { Tenants.class };

	private static String[] keyed(String... more) {
		List<String> all = new ArrayList<>(List.of("async-utils.throttle.instances.tenants.backend=redis",
				"async-utils.throttle.instances.tenants.rate=1", "async-utils.throttle.instances.tenants.per=1h",
				"async-utils.throttle.instances.tenants.burst=3", "async-utils.throttle.instances.tenants.max-wait=0",
				"async-utils.throttle.instances.tenants.redis.timeout=2s",
				"async-utils.throttle.instances.tenants.redis.on-failure=fail-closed"));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	@Test
	void threeContextsShareEachKeysBucketAndKeysAreIndependent() {
		Probe probe = new Probe();
		List<Tenants> beans = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			beans.add(start(probe, BEANS, keyed()).getBean(Tenants.class));
		}
		int acme = admitted(beans, "acme", 12);
		int globex = admitted(beans, "globex", 12);
		int unkeyed = admitted(beans, null, 12);
		// burst 3 per key, shared by the three contexts, one permit an hour after that
		assertThat(acme).isEqualTo(3);
		assertThat(globex).isEqualTo(3);
		assertThat(unkeyed).isEqualTo(3);
		assertThat(probe.admitted.get()).isEqualTo(9);
		assertThat(redis().exists("async-utils:throttle:tenants:key:acme", "async-utils:throttle:tenants:key:globex",
				"async-utils:throttle:tenants"))
			.isEqualTo(3);
	}

	@Test
	void aWeightedCallTakesItsPermitsFromItsKeysBucketOnly() {
		Probe probe = new Probe();
		ConfigurableApplicationContext one = start(probe, BEANS,
				keyed("async-utils.throttle.instances.tenants.burst=5"));
		ConfigurableApplicationContext two = start(probe, BEANS,
				keyed("async-utils.throttle.instances.tenants.burst=5"));
		Tenants first = one.getBean(Tenants.class);
		Tenants second = two.getBean(Tenants.class);
		first.weighted("acme", 3);
		// two permits are left for acme across both contexts
		assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(() -> second.weighted("acme", 3))
			.satisfies((ex) -> {
				assertThat(ex.name()).isEqualTo("tenants");
				// the third permit of the call is an hour away, minus the time passed
				assertThat(ex.retryAfter().toMinutes()).isBetween(58L, 60L);
			});
		second.weighted("acme", 2);
		assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(() -> first.weighted("acme", 1));
		// another key has its whole burst
		second.weighted("globex", 5);
		assertThat(probe.admitted.get()).isEqualTo(3);
		// more than the burst could never start: fails at once, takes nothing
		assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> first.weighted("initech", 6))
			.withMessageContaining("burst (5)");
		first.weighted("initech", 5);
		// a call needing no permit starts at once
		first.weighted("acme", 0);
		assertThat(probe.admitted.get()).isEqualTo(5);
	}

	@Test
	void aKeysRedisKeyExpiresOnceItsBucketIsFullAgain() {
		Probe probe = new Probe();
		Tenants bean = start(probe, BEANS, keyed("async-utils.throttle.instances.tenants.rate=1",
				"async-utils.throttle.instances.tenants.per=10s", "async-utils.throttle.instances.tenants.burst=2"))
			.getBean(Tenants.class);
		bean.call("acme");
		// one permit taken: the bucket is full again 10 s later; the key outlives that by
		// a second at most
		long ttl = redis().pttl("async-utils:throttle:tenants:key:acme");
		assertThat(ttl).isBetween(TimeUnit.SECONDS.toMillis(9), TimeUnit.SECONDS.toMillis(11));
		bean.weighted("globex", 2);
		assertThat(redis().pttl("async-utils:throttle:tenants:key:globex")).isBetween(TimeUnit.SECONDS.toMillis(19),
				TimeUnit.SECONDS.toMillis(21));
		// no key for the keys not used, none for the unkeyed bucket
		assertThat(redis().keys("async-utils:throttle:*")).containsExactlyInAnyOrder(
				"async-utils:throttle:tenants:key:acme", "async-utils:throttle:tenants:key:globex");
	}

	@Test
	void aKeyOfAnInstanceWithSeveralLimitsKeepsThemInOneHashSlot() {
		Probe probe = new Probe();
		Tenants bean = start(probe, BEANS,
				keyed("async-utils.throttle.instances.tenants.limits[0].rate=2",
						"async-utils.throttle.instances.tenants.limits[0].per=1h",
						"async-utils.throttle.instances.tenants.limits[0].burst=2"))
			.getBean(Tenants.class);
		bean.call("acme");
		bean.call("acme");
		// the second limit (2 an hour) binds before the burst of 3
		assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(() -> bean.call("acme"));
		bean.call("globex");
		assertThat(probe.admitted.get()).isEqualTo(3);
		assertThat(redis().keys("{async-utils:throttle:*")).containsExactlyInAnyOrder(
				"{async-utils:throttle:tenants:key:acme}", "{async-utils:throttle:tenants:key:acme}:limit:1",
				"{async-utils:throttle:tenants:key:globex}", "{async-utils:throttle:tenants:key:globex}:limit:1");
	}

	@Test
	void theProgrammaticBucketOfAKeyIsTheOneInRedis() {
		Probe probe = new Probe();
		ConfigurableApplicationContext context = start(probe, BEANS, keyed());
		TokenBucket acme = context.getBean(ThrottleRegistry.class).get("tenants").forKey("acme");
		assertThat(acme.tryAcquire()).isTrue();
		acme.acquire();
		Tenants bean = context.getBean(Tenants.class);
		bean.call("acme");
		assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(() -> bean.call("acme"));
		assertThat(acme.tryAcquire()).isFalse();
		assertThat(probe.admitted.get()).isEqualTo(1);
	}

	@Test
	void whileRedisIsDownTheLocalFallbackKeepsABucketPerKey() {
		Probe probe = new Probe();
		Tenants bean = start(probe, BEANS, keyed("async-utils.throttle.instances.tenants.redis.on-failure=local",
				"async-utils.throttle.instances.tenants.redis.timeout=300ms"))
			.getBean(Tenants.class);
		bean.call("acme");
		server.kill();
		try {
			int acme = 0;
			int globex = 0;
			for (int i = 0; i < 6; i++) {
				acme += tryCall(bean, "acme");
				globex += tryCall(bean, "globex");
			}
			// the local buckets start full: 3 per key, whatever Redis held
			assertThat(acme).isEqualTo(3);
			assertThat(globex).isEqualTo(3);
			// weighted calls too, from their key's bucket
			bean.weighted("initech", 3);
			assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(() -> bean.weighted("initech", 1));
			assertThat(probe.admitted.get()).isEqualTo(1 + 3 + 3 + 1);
		}
		finally {
			server.restart();
		}
	}

	private static int tryCall(Tenants bean, String tenant) {
		try {
			bean.call(tenant);
			return 1;
		}
		catch (ThrottleRejectedException ex) {
			return 0;
		}
	}

	private static int admitted(List<Tenants> beans, String tenant, int calls) {
		int admitted = 0;
		for (int i = 0; i < calls; i++) {
			admitted += tryCall(beans.get(i % beans.size()), tenant);
		}
		return admitted;
	}

	static class Tenants {

		private final Probe probe;

		Tenants(Probe probe) {
			this.probe = probe;
		}

		@Throttle(name = "tenants", key = "#tenant")
		public void call(String tenant) {
			this.probe.admit();
		}

		@Throttle(name = "tenants", key = "#tenant", permits = "#permits")
		public void weighted(String tenant, int permits) {
			this.probe.admit();
		}

	}

}
