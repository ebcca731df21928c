package dev.asyncutils.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.autoconfigure.AsyncUtilsMetricsAutoConfiguration;
import dev.asyncutils.bounded.BoundedLimiter;
import dev.asyncutils.bounded.BoundedRegistry;
import dev.asyncutils.throttle.ThrottleRegistry;
import dev.asyncutils.throttle.TokenBucket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis killed in the middle of a run, for each failure mode: {@code fail-closed}
 * rejects, {@code fail-open} lets everything through, {@code local} falls back to a local
 * limit of the same settings and never exceeds it; no call waits longer than its max-wait
 * (plus slack for a loaded machine); one WARN line when Redis goes away and one INFO line
 * when it is back; the failure counter and the health gauge tell the same; and after
 * Redis restarts the instances use it again.
 */
@Timeout(90)
@ExtendWith(OutputCaptureExtension.class)
class RedisFailureModeTests extends RedisTestSupport {

	private static final Class<?>[] BEANS = { Guarded.class, Meters.class };

	/** What a call may take beyond its max-wait on two busy cores. */
	private static final long SLACK_NANOS = TimeUnit.MILLISECONDS.toNanos(400);

	private static final long MAX_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

	private ConfigurableApplicationContext context(String mode) {
		return start(new Probe(), BEANS, props("async-utils.throttle.instances.t.backend=redis",
				"async-utils.throttle.instances.t.rate=20", "async-utils.throttle.instances.t.burst=2",
				"async-utils.throttle.instances.t.max-wait=300ms",
				"async-utils.throttle.instances.t.redis.on-failure=" + mode,
				"async-utils.throttle.instances.t.redis.timeout=200ms", "async-utils.bounded.instances.b.backend=redis",
				"async-utils.bounded.instances.b.max-concurrent=2", "async-utils.bounded.instances.b.max-wait=300ms",
				"async-utils.bounded.instances.b.redis.on-failure=" + mode,
				"async-utils.bounded.instances.b.redis.timeout=200ms",
				"async-utils.bounded.instances.b.redis.lease-time=2s"));
	}

	@Test
	void failClosedRejectsWhileRedisIsDown(CapturedOutput output) throws Exception {
		ConfigurableApplicationContext context = context("fail-closed");
		Outage outage = outage(context, 1000, output);
		assertThat(outage.throttleAdmitted).isZero();
		assertThat(outage.throttleRejected).isPositive();
		assertThat(outage.throttleReasons).allSatisfy((reason) -> assertThat(reason).contains("redis"));
		assertThat(outage.boundedAdmitted).isZero();
		assertThat(outage.boundedRejected).isPositive();
		assertThat(outage.boundedReasons).allSatisfy((reason) -> assertThat(reason).contains("redis"));
		assertThat(outage.slowest).isLessThan(MAX_WAIT_NANOS + SLACK_NANOS);
		// a Mono is rejected the same way, as an error signal
		Guarded bean = context.getBean(Guarded.class);
		StepVerifier.create(bean.throttledMono())
			.expectErrorSatisfies(
					(ex) -> assertThat(ex).isInstanceOf(ThrottleRejectedException.class).hasMessageContaining("redis"))
			.verify(Duration.ofSeconds(5));
		StepVerifier.create(bean.boundedMono())
			.expectErrorSatisfies(
					(ex) -> assertThat(ex).isInstanceOf(BoundedRejectedException.class).hasMessageContaining("redis"))
			.verify(Duration.ofSeconds(5));
		assertRecovers(context, output, outage, "fail-closed");
	}

	@Test
	void failOpenAdmitsEverythingWhileRedisIsDown(CapturedOutput output) throws Exception {
		ConfigurableApplicationContext context = context("fail-open");
		Outage outage = outage(context, 1000, output);
		assertThat(outage.throttleRejected).isZero();
		// far beyond what the limit would allow: 2 + 20 per second
		assertThat(outage.throttleAdmitted).isGreaterThan(100);
		assertThat(outage.boundedRejected).isZero();
		assertThat(outage.boundedMaxActive).isGreaterThan(2);
		assertThat(outage.slowest).isLessThan(MAX_WAIT_NANOS + SLACK_NANOS);
		Guarded bean = context.getBean(Guarded.class);
		StepVerifier.create(bean.throttledMono()).expectNext("ran").verifyComplete();
		StepVerifier.create(bean.boundedMono()).expectNext("ran").verifyComplete();
		assertRecovers(context, output, outage, "fail-open");
	}

	@Test
	void localFallsBackToALocalLimitOfTheSameSettingsAndNeverExceedsIt(CapturedOutput output) throws Exception {
		ConfigurableApplicationContext context = context("local");
		Outage outage = outage(context, 1000, output);
		double seconds = outage.elapsedNanos / 1e9;
		assertThat(outage.throttleAdmitted).isPositive().isLessThanOrEqualTo((int) (2 + 20 * seconds) + 1);
		assertThat(outage.boundedAdmitted).isPositive();
		assertThat(outage.boundedMaxActive).isLessThanOrEqualTo(2);
		assertThat(outage.slowest).isLessThan(MAX_WAIT_NANOS + SLACK_NANOS);
		assertRecovers(context, output, outage, "local");
	}

	/**
	 * Check the instances are healthy, kill Redis, hammer both instances for a while from
	 * plain and asynchronous callers, and report what happened.
	 */
	private Outage outage(ConfigurableApplicationContext context, long millis, CapturedOutput output) throws Exception {
		Guarded bean = context.getBean(Guarded.class);
		TokenBucket bucket = context.getBean(ThrottleRegistry.class).get("t");
		BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("b");
		// healthy before the outage (a stall on a loaded machine may have made it
		// unhealthy for a moment: wait for it to answer again)
		await(() -> {
			callQuietly(bean::throttled);
			callQuietly(() -> bean.bounded(0));
			return bucket.remote().healthy() && limiter.remote().healthy();
		});
		assertThat(redis().exists("async-utils:throttle:t")).isOne();
		Outage outage = new Outage();
		outage.logFrom = output.getOut().length();
		server.kill();
		Probe boundedProbe = new Probe();
		ExecutorService pool = Executors.newFixedThreadPool(8);
		long begin = System.nanoTime();
		long end = begin + TimeUnit.MILLISECONDS.toNanos(millis);
		List<Future<?>> workers = new ArrayList<>();
		for (int t = 0; t < 8; t++) {
			boolean stage = t % 2 == 0;
			boolean throttle = t < 4;
			workers.add(pool.submit(() -> {
				while (System.nanoTime() < end) {
					long start = System.nanoTime();
					try {
						if (throttle) {
							if (stage) {
								bean.throttledStage().join();
							}
							else {
								bean.throttled();
							}
							outage.throttle.incrementAndGet();
						}
						else {
							if (stage) {
								bean.boundedStage(boundedProbe).join();
							}
							else {
								bean.bounded(boundedProbe, 20);
							}
						}
					}
					catch (ThrottleRejectedException | BoundedRejectedException | CompletionException ex) {
						Throwable cause = (ex instanceof CompletionException) ? ex.getCause() : ex;
						outage.reject(cause);
						if (cause instanceof BoundedRejectedException || cause instanceof ThrottleRejectedException) {
							Thread.sleep(5);
						}
						else {
							throw ex;
						}
					}
					outage.slowestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
				}
				return null;
			}));
		}
		for (Future<?> worker : workers) {
			worker.get();
		}
		pool.shutdown();
		outage.elapsedNanos = System.nanoTime() - begin;
		outage.throttleAdmitted = outage.throttle.get();
		outage.boundedAdmitted = boundedProbe.admitted.get();
		outage.boundedMaxActive = boundedProbe.maxActive.get();
		outage.slowest = outage.slowestNanos.get();
		assertThat(bucket.remote().healthy()).isFalse();
		assertThat(limiter.remote().healthy()).isFalse();
		return outage;
	}

	private void assertRecovers(ConfigurableApplicationContext context, CapturedOutput output, Outage outage,
			String mode) throws Exception {
		MeterRegistry meters = context.getBean(MeterRegistry.class);
		assertThat(meters.get("asyncutils.redis.healthy").tag("name", "t").tag("kind", "throttle").gauge().value())
			.isZero();
		assertThat(meters.get("asyncutils.redis.failures")
			.tag("name", "b")
			.tag("kind", "bounded")
			.tag("mode", mode)
			.functionCounter()
			.count()).isPositive();
		assertThat(output.getOut().substring(outage.logFrom))
			.containsOnlyOnce("async-utils throttle 't': redis unavailable")
			.containsOnlyOnce("async-utils bounded 'b': redis unavailable");
		server.restart();
		Guarded bean = context.getBean(Guarded.class);
		TokenBucket bucket = context.getBean(ThrottleRegistry.class).get("t");
		BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("b");
		await(() -> {
			callQuietly(bean::throttled);
			callQuietly(() -> bean.bounded(0));
			return bucket.remote().healthy() && limiter.remote().healthy();
		});
		// the state lives in (the new) redis again
		await(() -> {
			callQuietly(bean::throttled);
			return redis().exists("async-utils:throttle:t") == 1;
		});
		assertThat(meters.get("asyncutils.redis.healthy").tag("name", "b").tag("kind", "bounded").gauge().value())
			.isOne();
		assertThat(output.getOut().substring(outage.logFrom))
			.containsOnlyOnce("async-utils throttle 't': redis answers again")
			.containsOnlyOnce("async-utils bounded 'b': redis answers again");
	}

	private static void callQuietly(Runnable call) {
		try {
			call.run();
		}
		catch (RuntimeException ex) {
			// rejected while recovering
		}
	}

	private static void await(BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as("recovered within 20 s").isLessThan(deadline);
			Thread.sleep(50);
		}
	}

	static final class Outage {

		final AtomicInteger throttle = new AtomicInteger();

		final AtomicLong slowestNanos = new AtomicLong();

		final List<String> throttleReasons = java.util.Collections.synchronizedList(new ArrayList<>());

		final List<String> boundedReasons = java.util.Collections.synchronizedList(new ArrayList<>());

		final AtomicInteger throttleRejections = new AtomicInteger();

		final AtomicInteger boundedRejections = new AtomicInteger();

		long elapsedNanos;

		int logFrom;

		int throttleAdmitted;

		int throttleRejected;

		int boundedAdmitted;

		int boundedRejected;

		int boundedMaxActive;

		long slowest;

		void reject(Throwable cause) {
			if (cause instanceof ThrottleRejectedException) {
				this.throttleRejected = this.throttleRejections.incrementAndGet();
				this.throttleReasons.add(cause.getMessage());
			}
			else if (cause instanceof BoundedRejectedException) {
				this.boundedRejected = this.boundedRejections.incrementAndGet();
				this.boundedReasons.add(cause.getMessage());
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(AsyncUtilsMetricsAutoConfiguration.class)
	static class Meters {

		@Bean
		MeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

	}

	static class Guarded {

		@Throttle(name = "t")
		public void throttled() {
		}

		@Throttle(name = "t")
		public CompletableFuture<Void> throttledStage() {
			return CompletableFuture.completedFuture(null);
		}

		@Throttle(name = "t")
		public Mono<String> throttledMono() {
			return Mono.just("ran");
		}

		@Bounded(name = "b")
		public Mono<String> boundedMono() {
			return Mono.just("ran");
		}

		@Bounded(name = "b")
		public void bounded(long millis) {
			bounded(null, millis);
		}

		@Bounded(name = "b")
		public void bounded(Probe probe, long millis) {
			if (probe != null) {
				probe.enter();
			}
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				if (probe != null) {
					probe.leave();
				}
			}
		}

		@Bounded(name = "b")
		public CompletableFuture<Void> boundedStage(Probe probe) {
			probe.enter();
			return CompletableFuture.runAsync(() -> {
			}, CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS))
				.whenComplete((value, failure) -> probe.leave());
		}

	}

}
