package dev.asyncutils.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncutils.ThrottleRejectedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Several limits on one throttle instance with {@code backend: redis}: every call is one
 * script, one round trip, whatever the number of limits; three contexts sharing a real
 * redis-server never admit more than the strictest limit allows; a call one limit rejects
 * takes nothing from the others.
 */
@Timeout(60)
class RedisThrottleLimitsTests extends RedisTestSupport {

	private static final Class<?>[] BEANS = { RedisThrottleTests.Guarded.class };

	private static String[] limits(String... more) {
		List<String> all = new ArrayList<>(List.of("async-utils.throttle.instances.shared.backend=redis",
				"async-utils.throttle.instances.shared.max-wait=0",
				"async-utils.throttle.instances.shared.redis.on-failure=fail-closed",
				"async-utils.throttle.instances.shared.redis.timeout=2s"));
		all.addAll(List.of(more));
		return all.toArray(String[]::new);
	}

	@Test
	void threeContextsOneRoundTripPerCallNeverOverTheStrictestLimit() throws Exception {
		Probe probe = new Probe();
		String[] properties = limits("async-utils.throttle.instances.shared.rate=1000",
				"async-utils.throttle.instances.shared.burst=1000",
				"async-utils.throttle.instances.shared.limits[0].rate=10",
				"async-utils.throttle.instances.shared.limits[0].burst=3",
				"async-utils.throttle.instances.shared.limits[1].rate=8",
				"async-utils.throttle.instances.shared.limits[1].per=1h",
				"async-utils.throttle.instances.shared.limits[1].burst=8");
		List<RedisThrottleTests.Guarded> beans = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			beans.add(start(probe, BEANS, properties).getBean(RedisThrottleTests.Guarded.class));
		}
		// load the script once, then count from zero
		beans.get(0).plain();
		redis().configResetstat();
		AtomicInteger calls = new AtomicInteger();
		AtomicInteger rejected = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(6);
		long runFor = TimeUnit.MILLISECONDS.toNanos(1500);
		long begin = System.nanoTime();
		List<Future<?>> workers = new ArrayList<>();
		for (int t = 0; t < 6; t++) {
			RedisThrottleTests.Guarded bean = beans.get(t % 3);
			workers.add(pool.submit(() -> {
				while (System.nanoTime() - begin < runFor) {
					calls.incrementAndGet();
					try {
						bean.plain();
					}
					catch (ThrottleRejectedException ex) {
						rejected.incrementAndGet();
					}
				}
				return null;
			}));
		}
		for (Future<?> worker : workers) {
			worker.get();
		}
		pool.shutdown();
		// the hourly limit (8, the first call included) binds over 1.5 s
		assertThat(probe.admitted.get()).isEqualTo(8);
		assertThat(rejected.get()).isEqualTo(calls.get() - 7);
		// less the renewals of the contexts' member entries (one ZADD each; the throttle
		// script writes none)
		long scripts = commandCalls("evalsha") + commandCalls("eval") - commandCalls("zadd");
		System.out.printf("redis limits: %d calls, %d scripts (round trips per call %.3f)%n", calls.get(), scripts,
				(double) scripts / calls.get());
		assertThat(scripts).isEqualTo(calls.get());
		// one key per limit, in one hash slot; the hourly one is still far from full
		assertThat(redis().pttl("{async-utils:throttle:shared}:limit:2")).isGreaterThan(TimeUnit.MINUTES.toMillis(50));
	}

	@Test
	void aCallOneLimitRejectsTakesNothingFromTheOthers() {
		Probe probe = new Probe();
		RedisThrottleTests.Guarded bean = start(probe, BEANS,
				limits("async-utils.throttle.instances.shared.rate=1", "async-utils.throttle.instances.shared.per=1h",
						"async-utils.throttle.instances.shared.burst=2",
						"async-utils.throttle.instances.shared.limits[0].rate=1",
						"async-utils.throttle.instances.shared.limits[0].per=1h",
						"async-utils.throttle.instances.shared.limits[0].burst=5"))
			.getBean(RedisThrottleTests.Guarded.class);
		bean.plain();
		bean.plain();
		for (int i = 0; i < 3; i++) {
			assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(bean::plain);
		}
		assertThat(probe.admitted.get()).isEqualTo(2);
		// the second limit holds 2 permits' backlog (2 hours), not 5
		long ttl = redis().pttl("{async-utils:throttle:shared}:limit:1");
		assertThat(ttl).isBetween(TimeUnit.HOURS.toMillis(2) - 60_000, TimeUnit.HOURS.toMillis(2) + 1_000);
	}

	private static long commandCalls(String command) {
		Matcher matcher = Pattern.compile("cmdstat_" + command + ":calls=(\\d+)").matcher(redis().info("commandstats"));
		return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
	}

}
