package dev.asyncutils.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

import org.springframework.context.ConfigurableApplicationContext;

import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.throttle.ThrottleRegistry;
import dev.asyncutils.throttle.TokenBucket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @Throttle} with {@code backend: redis}: several application contexts (as several
 * JVMs would) share one bucket and never admit more than {@code burst + rate * elapsed}
 * together; waiting callers are spaced by the rate across contexts; a call that would
 * wait past max-wait is rejected at once with its retry-after.
 */
@Timeout(60)
class RedisThrottleTests extends RedisTestSupport {

	private static final Class<?>[] BEANS = { Guarded.class };

	private String[] shared(String rate, String burst, String maxWait) {
		return props("async-utils.throttle.instances.shared.backend=redis",
				"async-utils.throttle.instances.shared.rate=" + rate,
				"async-utils.throttle.instances.shared.burst=" + burst,
				"async-utils.throttle.instances.shared.max-wait=" + maxWait,
				// a command stalled on a loaded machine must reject, not fall back to a
				// local
				// bucket (which would admit beyond the shared bound: that is what local
				// means)
				"async-utils.throttle.instances.shared.redis.on-failure=fail-closed",
				"async-utils.throttle.instances.shared.redis.timeout=2s");
	}

	@Test
	void severalContextsTogetherNeverAdmitMoreThanBurstPlusRateTimesElapsed() throws Exception {
		Probe probe = new Probe();
		List<Guarded> beans = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			beans.add(start(probe, BEANS, shared("40", "5", "0")).getBean(Guarded.class));
		}
		AtomicInteger rejected = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(9);
		long runFor = TimeUnit.MILLISECONDS.toNanos(1500);
		long begin = System.nanoTime();
		List<Future<?>> workers = new ArrayList<>();
		for (int t = 0; t < 9; t++) {
			Guarded bean = beans.get(t % 3);
			boolean stage = t % 2 == 0;
			workers.add(pool.submit(() -> {
				while (System.nanoTime() - begin < runFor) {
					try {
						if (stage) {
							bean.stage().toCompletableFuture().join();
						}
						else {
							bean.plain();
						}
					}
					catch (ThrottleRejectedException | java.util.concurrent.CompletionException ex) {
						rejected.incrementAndGet();
					}
				}
				return null;
			}));
		}
		for (Future<?> worker : workers) {
			worker.get();
		}
		double elapsed = (System.nanoTime() - begin) / 1e9;
		pool.shutdown();
		assertThat(probe.admitted.get()).as("admitted in %.2fs", elapsed).isLessThanOrEqualTo((int) (5 + 40 * elapsed));
		// it is a limit, not a wall: most of the allowance was used
		assertThat(probe.admitted.get()).isGreaterThanOrEqualTo((int) (40 * elapsed * 0.6));
		assertThat(rejected.get()).isPositive();
		assertSpacedByTheRate(probe, 40, 5);
	}

	@Test
	void waitingCallersOfSeveralContextsAreSpacedByTheRate() {
		Probe probe = new Probe();
		List<Guarded> beans = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			beans.add(start(probe, BEANS, shared("20", "1", "5s")).getBean(Guarded.class));
		}
		long begin = System.nanoTime();
		List<CompletableFuture<?>> calls = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			for (Guarded bean : beans) {
				calls.add(bean.stage().toCompletableFuture());
				calls.add(bean.mono().toFuture());
			}
		}
		CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
		double elapsed = (System.nanoTime() - begin) / 1e9;
		assertThat(probe.admitted.get()).isEqualTo(48);
		// 48 permits, one every 50 ms after the first: at least 2.35 s
		assertThat(elapsed).isGreaterThanOrEqualTo(2.3);
		assertSpacedByTheRate(probe, 20, 1);
	}

	@Test
	void aCallThatWouldWaitPastMaxWaitIsRejectedAtOnceWithItsRetryAfter() {
		Probe probe = new Probe();
		Guarded first = start(probe, BEANS, shared("2", "1", "100ms")).getBean(Guarded.class);
		Guarded second = start(probe, BEANS, shared("2", "1", "100ms")).getBean(Guarded.class);
		first.plain();
		long begin = System.nanoTime();
		assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(second::plain).satisfies((ex) -> {
			assertThat(ex.name()).isEqualTo("shared");
			assertThat(ex.retryAfter()).isGreaterThan(Duration.ofMillis(300))
				.isLessThanOrEqualTo(Duration.ofMillis(500));
			assertThat(ex.getMessage()).contains("max-wait");
		});
		// rejected without waiting for the permit (300 ms away at least)
		assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofMillis(300));
		assertThat(probe.admitted.get()).isEqualTo(1);
	}

	@Test
	void theRegistryHandsOutTheSharedBucketAndTheStateLivesUnderTheKeyPrefix() {
		Probe probe = new Probe();
		ConfigurableApplicationContext one = start(probe, BEANS, props("async-utils.throttle.defaults.backend=redis",
				"async-utils.throttle.defaults.redis.key-prefix=svc:", "async-utils.throttle.instances.shared.rate=1",
				"async-utils.throttle.instances.shared.burst=2", "async-utils.throttle.instances.shared.max-wait=0"));
		ConfigurableApplicationContext two = start(probe, BEANS, props("async-utils.throttle.defaults.backend=redis",
				"async-utils.throttle.defaults.redis.key-prefix=svc:", "async-utils.throttle.instances.shared.rate=1",
				"async-utils.throttle.instances.shared.burst=2", "async-utils.throttle.instances.shared.max-wait=0"));
		TokenBucket a = one.getBean(ThrottleRegistry.class).get("shared");
		TokenBucket b = two.getBean(ThrottleRegistry.class).get("shared");
		assertThat(a.remote()).isNotNull();
		assertThat(a.tryAcquire()).isTrue();
		assertThat(b.tryAcquire()).isTrue();
		assertThat(a.tryAcquire()).isFalse();
		assertThat(b.tryAcquire()).isFalse();
		assertThat(b.availablePermits()).isZero();
		assertThat(redis().exists("svc:throttle:shared")).isEqualTo(1);
		assertThat(redis().pttl("svc:throttle:shared")).isPositive().isLessThanOrEqualTo(3000);
		assertThat(a.permittedCount() + b.permittedCount()).isEqualTo(2);
		assertThat(a.rejectedCount() + b.rejectedCount()).isEqualTo(2);
	}

	@Test
	void theScriptIsLoadedAgainAfterTheServerForgotIt() {
		Probe probe = new Probe();
		Guarded bean = start(probe, BEANS, shared("1000", "100", "0")).getBean(Guarded.class);
		bean.plain();
		assertThat(redis().scriptExists(RedisBackend.THROTTLE.sha())).containsExactly(true);
		redis().scriptFlush();
		bean.plain();
		assertThat(bean.stage().toCompletableFuture().join()).isNull();
		assertThat(probe.admitted.get()).isEqualTo(3);
		assertThat(redis().scriptExists(RedisBackend.THROTTLE.sha())).containsExactly(true);
	}

	/**
	 * Over any window between two admissions, at most {@code burst + rate * window}
	 * admissions, plus one for the round trip between the reservation and the start, and
	 * the window widened by {@link #START_JITTER_SECONDS}: what is measured is when each
	 * method started, and on a loaded machine a start can lag its reservation, bunching
	 * with the next ones (over-admission would show as a multiple of the rate).
	 */
	private static final double START_JITTER_SECONDS = 0.1;

	private static void assertSpacedByTheRate(Probe probe, double rate, int burst) {
		List<Long> starts = new ArrayList<>(probe.starts);
		starts.sort(Long::compare);
		for (int i = 0; i < starts.size(); i++) {
			for (int j = i + 1; j < starts.size(); j++) {
				double window = (starts.get(j) - starts.get(i)) / 1e9 + START_JITTER_SECONDS;
				assertThat(j - i + 1).as("admissions within %.4fs", window)
					.isLessThanOrEqualTo((int) Math.floor(burst + rate * window) + 1);
			}
		}
	}

	static class Guarded {

		private final Probe probe;

		Guarded(Probe probe) {
			this.probe = probe;
		}

		@Throttle(name = "shared")
		public void plain() {
			this.probe.admit();
		}

		@Throttle(name = "shared")
		public CompletableFuture<Void> stage() {
			this.probe.admit();
			return CompletableFuture.completedFuture(null);
		}

		@Throttle(name = "shared")
		public Mono<Void> mono() {
			return Mono.fromRunnable(this.probe::admit);
		}

	}

}
