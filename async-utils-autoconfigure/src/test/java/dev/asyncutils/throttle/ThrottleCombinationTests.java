package dev.asyncutils.throttle;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.autoconfigure.AsyncUtilsProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @Throttle} inside {@code @Fallback}, {@code @Retry} and {@code @Timeout}, in the
 * contract's order: a rejection is retried like any exception and reaches a fallback;
 * time spent waiting for a permit counts toward the deadline, and a caller that times out
 * gives its permit back and never runs the method.
 */
@org.junit.jupiter.api.Timeout(60)
class ThrottleCombinationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	private void run(ContextTest test) {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			test.run(context);
		});
	}

	private static TokenBucket bucket(AssertableApplicationContext context, String name) {
		return context.getBean(ThrottleRegistry.class).get(name);
	}

	@Test
	void aRejectedPlainCallIsRetriedAndSucceedsOnceThePermitIsFree() {
		run((context) -> {
			Combined service = context.getBean(Combined.class);
			SteerableClock clock = context.getBean(SteerableClock.class);
			assertThat(service.retried()).isEqualTo("ok");
			long readsBefore = clock.reads();
			AtomicReference<Object> outcome = new AtomicReference<>();
			Thread caller = new Thread(() -> {
				try {
					outcome.set(service.retried());
				}
				catch (Throwable ex) {
					outcome.set(ex);
				}
			});
			long start = System.nanoTime();
			caller.start();
			// the first attempt has read the clock: the next permit is 1h away, it is
			// rejected; move the clock so that the retry finds a permit
			TokenBucketTests.awaitUntil(() -> clock.reads() > readsBefore);
			clock.advance(Duration.ofHours(1));
			caller.join(10_000);
			assertThat(caller.isAlive()).isFalse();
			assertThat(outcome.get()).isEqualTo("ok");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
			assertThat(service.invocations("retried")).isEqualTo(2);
		});
	}

	@Test
	void aRejectedStageCallIsRetriedAndSucceedsOnceThePermitIsFree() {
		run((context) -> {
			Combined service = context.getBean(Combined.class);
			SteerableClock clock = context.getBean(SteerableClock.class);
			assertThat(service.retriedStage().get(10, TimeUnit.SECONDS)).isEqualTo("ok");
			long readsBefore = clock.reads();
			long start = System.nanoTime();
			CompletableFuture<String> second = service.retriedStage();
			assertThat(clock.reads()).isGreaterThan(readsBefore);
			clock.advance(Duration.ofHours(1));
			assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("ok");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
			assertThat(service.invocations("retriedStage")).isEqualTo(2);
		});
	}

	@Test
	void rejectionsThatOutlastTheRetriesReachTheCallerWithEarlierOnesSuppressed() {
		run((context) -> {
			Combined service = context.getBean(Combined.class);
			service.exhausted();
			assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(service::exhausted)
				.satisfies((ex) -> assertTwoSuppressedRejections(ex, "exhausted"));
			assertThat(service.invocations("exhausted")).isEqualTo(1);

			service.exhaustedStage().get(10, TimeUnit.SECONDS);
			CompletableFuture<String> stage = service.exhaustedStage();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> stage.get(10, TimeUnit.SECONDS))
				.satisfies((ex) -> assertTwoSuppressedRejections(ex.getCause(), "exhaustedStage"));
			assertThat(service.invocations("exhaustedStage")).isEqualTo(1);

			StepVerifier.create(service.exhaustedMono()).expectNext("ok").verifyComplete();
			StepVerifier.create(service.exhaustedMono())
				.expectErrorSatisfies((ex) -> assertTwoSuppressedRejections(ex, "exhaustedMono"))
				.verify(Duration.ofSeconds(10));
			assertThat(service.invocations("exhaustedMono")).isEqualTo(1);
		});
	}

	private static void assertTwoSuppressedRejections(Throwable failure, String name) {
		assertThat(failure).isInstanceOfSatisfying(ThrottleRejectedException.class,
				(ex) -> assertThat(ex.name()).isEqualTo(name));
		assertThat(failure.getSuppressed()).hasSize(2)
			.allSatisfy((earlier) -> assertThat(earlier).isInstanceOfSatisfying(ThrottleRejectedException.class,
					(ex) -> assertThat(ex.name()).isEqualTo(name)));
	}

	@Test
	void aRejectionReachesTheFallback() {
		run((context) -> {
			Combined service = context.getBean(Combined.class);
			assertThat(service.withFallback()).isEqualTo("ok");
			assertThat(service.withFallback()).isEqualTo("fallback: ThrottleRejectedException withFallback");
			assertThat(service.invocations("withFallback")).isEqualTo(1);
		});
	}

	@Test
	void waitingForAPermitCountsTowardThePlainDeadline() {
		run((context) -> {
			Combined service = context.getBean(Combined.class);
			TokenBucket bucket = bucket(context, "timed");
			assertThat(service.timed()).isEqualTo("ok");
			long start = System.nanoTime();
			// the next permit is 2s away; the deadline is 100ms
			assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(service::timed).satisfies((ex) -> {
				assertThat(ex.timeout()).isEqualTo(Duration.ofMillis(100));
				assertThat(ex.getSuppressed()).singleElement()
					.isInstanceOfSatisfying(ThrottleRejectedException.class,
							(rejected) -> assertThat(rejected.getMessage()).contains("interrupted"));
			});
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
			assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(100)).isLessThan(Duration.ofMillis(1500));
			assertThat(Thread.currentThread().isInterrupted()).isFalse();
			assertThat(service.invocations("timed")).isEqualTo(1);
			// the reservation was given back: the next permit is the one after the first
			// call, less than 2s away (it would be more than 2s away otherwise)
			assertThat(bucket.timeUntilPermit()).isLessThan(Duration.ofSeconds(2));
		});
	}

	@Test
	void everyAttemptWaitsForItsOwnPermitWithinItsOwnDeadline() {
		run((context) -> {
			Combined service = context.getBean(Combined.class);
			TokenBucket bucket = bucket(context, "retriedTimed");
			assertThat(service.retriedTimed()).isEqualTo("ok");
			long start = System.nanoTime();
			assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(service::retriedTimed)
				.satisfies((ex) -> {
					// its own interrupted wait, and the first attempt's timeout
					assertThat(ex.getSuppressed()).hasSize(2);
					assertThat(ex.getSuppressed()[0]).isInstanceOf(ThrottleRejectedException.class);
					assertThat(ex.getSuppressed()[1]).isInstanceOf(TimeoutExceededException.class).isNotSameAs(ex);
					assertThat(ex.getSuppressed()[1].getSuppressed()).singleElement()
						.isInstanceOf(ThrottleRejectedException.class);
				});
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
			assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(Duration.ofMillis(1900));
			assertThat(service.invocations("retriedTimed")).isEqualTo(1);
			assertThat(bucket.timeUntilPermit()).isLessThan(Duration.ofSeconds(2));
		});
	}

	@Test
	void waitingForAPermitCountsTowardTheStageDeadline() {
		run((context) -> {
			Combined service = context.getBean(Combined.class);
			TokenBucket bucket = bucket(context, "timedStage");
			long beforeFirst = System.nanoTime();
			assertThat(service.timedStage().get(10, TimeUnit.SECONDS)).isEqualTo("ok");
			long start = System.nanoTime();
			// the next permit is 2s away; the deadline is 100ms
			CompletableFuture<String> waiting = service.timedStage();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> waiting.get(10, TimeUnit.SECONDS))
				.withCauseInstanceOf(TimeoutExceededException.class);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
			assertPermitReturned(bucket, beforeFirst);
			// past the time its permit was due: it never ran
			sleepUntil(start, Duration.ofMillis(2_300));
			assertThat(service.invocations("timedStage")).isEqualTo(1);
		});
	}

	@Test
	void waitingForAPermitCountsTowardTheMonoDeadline() {
		run((context) -> {
			Combined service = context.getBean(Combined.class);
			TokenBucket bucket = bucket(context, "timedMono");
			long beforeFirst = System.nanoTime();
			StepVerifier.create(service.timedMono()).expectNext("ok").verifyComplete();
			long start = System.nanoTime();
			StepVerifier.create(service.timedMono())
				.expectError(TimeoutExceededException.class)
				.verify(Duration.ofSeconds(10));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
			assertPermitReturned(bucket, beforeFirst);
			sleepUntil(start, Duration.ofMillis(2_300));
			assertThat(service.invocations("timedMono")).isEqualTo(1);
		});
	}

	/**
	 * One permit per 2s, burst 1: after the first call (made after {@code beforeFirst})
	 * the next permit is less than 2s away if the timed-out caller gave its reservation
	 * back, and more than 2s away otherwise, as long as less than 2s have passed since
	 * {@code beforeFirst}. The caller may learn of the timeout a moment before the permit
	 * is back, so allow the refund until 1.5s after {@code beforeFirst}.
	 */
	private static void assertPermitReturned(TokenBucket bucket, long beforeFirst) throws InterruptedException {
		while (bucket.timeUntilPermit().compareTo(Duration.ofSeconds(2)) >= 0) {
			assertThat(Duration.ofNanos(System.nanoTime() - beforeFirst)).as("permit given back in time")
				.isLessThan(Duration.ofMillis(1_500));
			Thread.sleep(1);
		}
	}

	private static void sleepUntil(long start, Duration sinceStart) throws InterruptedException {
		long remaining = sinceStart.toNanos() - (System.nanoTime() - start);
		if (remaining > 0) {
			TimeUnit.NANOSECONDS.sleep(remaining);
		}
	}

	@FunctionalInterface
	interface ContextTest {

		void run(AssertableApplicationContext context) throws Exception;

	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		SteerableClock steerableClock() {
			return new SteerableClock();
		}

		@Bean
		ThrottleRegistry throttleRegistry(AsyncUtilsProperties properties, SteerableClock clock) {
			return new ThrottleRegistry(properties.getThrottle(), clock);
		}

		@Bean
		Combined combined() {
			return new Combined();
		}

	}

	/**
	 * The system clock, plus an offset a test can move forward; counts its readings.
	 */
	static final class SteerableClock implements LongSupplier {

		private final AtomicLong offset = new AtomicLong();

		private final AtomicLong reads = new AtomicLong();

		@Override
		public long getAsLong() {
			long now = System.nanoTime() + this.offset.get();
			this.reads.incrementAndGet();
			return now;
		}

		void advance(Duration duration) {
			this.offset.addAndGet(duration.toNanos());
		}

		long reads() {
			return this.reads.get();
		}

	}

	static class Combined {

		private final Map<String, AtomicInteger> invocations = new ConcurrentHashMap<>();

		private void record(String method) {
			this.invocations.computeIfAbsent(method, (key) -> new AtomicInteger()).incrementAndGet();
		}

		int invocations(String method) {
			AtomicInteger count = this.invocations.get(method);
			return (count != null) ? count.get() : 0;
		}

		@Retry(maxAttempts = 3, delay = "300ms", multiplier = 1)
		@Throttle(name = "retried", rate = 1, per = "1h", maxWait = "0")
		public String retried() {
			record("retried");
			return "ok";
		}

		@Retry(maxAttempts = 3, delay = "300ms", multiplier = 1)
		@Throttle(name = "retriedStage", rate = 1, per = "1h", maxWait = "0")
		public CompletableFuture<String> retriedStage() {
			record("retriedStage");
			return CompletableFuture.completedFuture("ok");
		}

		@Retry(maxAttempts = 3, delay = "10ms", multiplier = 1)
		@Throttle(name = "exhausted", rate = 1, per = "1h", maxWait = "0")
		public String exhausted() {
			record("exhausted");
			return "ok";
		}

		@Retry(maxAttempts = 3, delay = "10ms", multiplier = 1)
		@Throttle(name = "exhaustedStage", rate = 1, per = "1h", maxWait = "0")
		public CompletableFuture<String> exhaustedStage() {
			record("exhaustedStage");
			return CompletableFuture.completedFuture("ok");
		}

		@Retry(maxAttempts = 3, delay = "10ms", multiplier = 1)
		@Throttle(name = "exhaustedMono", rate = 1, per = "1h", maxWait = "0")
		public Mono<String> exhaustedMono() {
			record("exhaustedMono");
			return Mono.just("ok");
		}

		@Fallback("fallback")
		@Throttle(name = "withFallback", rate = 1, per = "1h", maxWait = "0")
		public String withFallback() {
			record("withFallback");
			return "ok";
		}

		private String fallback(Throwable failure) {
			String name = (failure instanceof ThrottleRejectedException rejected) ? rejected.name() : "?";
			return "fallback: " + failure.getClass().getSimpleName() + " " + name;
		}

		@Timeout("100ms")
		@Throttle(name = "timed", rate = 0.5)
		public String timed() {
			record("timed");
			return "ok";
		}

		@Retry(maxAttempts = 2, delay = "1ms")
		@Timeout("100ms")
		@Throttle(name = "retriedTimed", rate = 0.5)
		public String retriedTimed() {
			record("retriedTimed");
			return "ok";
		}

		@Timeout("100ms")
		@Throttle(name = "timedStage", rate = 0.5)
		public CompletableFuture<String> timedStage() {
			record("timedStage");
			return CompletableFuture.completedFuture("ok");
		}

		@Timeout("100ms")
		@Throttle(name = "timedMono", rate = 0.5)
		public Mono<String> timedMono() {
			record("timedMono");
			return Mono.just("ok");
		}

	}

}
