package dev.asyncutils.bounded;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @Bounded} nested in the contract's order, {@code @Fallback} → {@code @Retry} →
 * {@code @Timeout} → {@code @Bounded} → method: a rejection is retried like any
 * exception, each attempt takes its own slot, and waiting for a slot counts toward the
 * deadline.
 */
class BoundedCombinationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	private static BoundedLimiter limiter(org.springframework.context.ApplicationContext context, String name) {
		return context.getBean(BoundedRegistry.class).get(name);
	}

	@Test
	void rejectionIsRetriedLikeAnyExceptionAndTheLastOneReachesTheCaller() {
		this.runner.run((context) -> {
			Combined combined = context.getBean(Combined.class);
			BoundedLimiter busy = limiter(context, "busy");
			assertThat(HeldSlots.of(busy).tryAcquire()).isTrue();
			assertThatExceptionOfType(BoundedRejectedException.class).isThrownBy(combined::busy).satisfies((ex) -> {
				assertThat(ex.name()).isEqualTo("busy");
				assertThat(ex.getSuppressed()).hasSize(2).allSatisfy((earlier) -> {
					assertThat(earlier).isInstanceOf(BoundedRejectedException.class).isNotSameAs(ex);
					assertThat(((BoundedRejectedException) earlier).name()).isEqualTo("busy");
				});
			});
			assertThat(combined.invocations()).isZero();
			assertThat(busy.active()).isEqualTo(1);
			assertThat(busy.waiting()).isZero();
			HeldSlots.of(busy).release();
			assertThat(combined.busy()).isEqualTo("ran");
			assertThat(combined.invocations()).isEqualTo(1);
			assertThat(busy.availableSlots()).isEqualTo(1);
		});
	}

	@Test
	void retryAfterARejectionGetsTheSlotOnceItIsFree() {
		this.runner.run((context) -> {
			Combined combined = context.getBean(Combined.class);
			BoundedLimiter limiter = limiter(context, "busyAsync");
			assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
			// first attempt: rejected at once; the retry comes after 500ms
			long start = System.nanoTime();
			CompletableFuture<String> result = combined.busyAsync();
			assertThat(combined.invocations()).isZero();
			HeldSlots.of(limiter).release();
			assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("ran");
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
			assertThat(combined.invocations()).isEqualTo(1);
			assertThat(limiter.availableSlots()).isEqualTo(1);
		});
	}

	@Test
	void slotIsNotHeldDuringRetryDelays() {
		this.runner.run((context) -> {
			Combined combined = context.getBean(Combined.class);
			BoundedLimiter limiter = limiter(context, "Combined.flaky");
			CompletableFuture<String> result = combined.flaky();
			Awaits.until("first attempt failed", () -> combined.invocations() == 1);
			// between the attempts: the failed attempt's slot is back
			assertThat(result).isNotDone();
			assertThat(limiter.active()).isZero();
			assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
			HeldSlots.of(limiter).release();
			assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("second attempt");
			assertThat(combined.invocations()).isEqualTo(2);
			assertThat(limiter.availableSlots()).isEqualTo(1);
		});
	}

	@Test
	void waitingForASlotCountsTowardThePlainDeadline() {
		this.runner.run((context) -> {
			Combined combined = context.getBean(Combined.class);
			BoundedLimiter limiter = limiter(context, "Combined.deadline");
			assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
			long start = System.nanoTime();
			assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(combined::deadline).satisfies((ex) -> {
				assertThat(ex.timeout()).isEqualTo(Duration.ofMillis(200));
				// the deadline interrupted the wait in line
				assertThat(ex.getSuppressed()).singleElement().isInstanceOf(BoundedRejectedException.class);
			});
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200))
				.isLessThan(Duration.ofSeconds(5));
			assertThat(Thread.currentThread().isInterrupted()).isFalse();
			assertThat(combined.invocations()).isZero();
			assertThat(limiter.waiting()).isZero();
			assertThat(limiter.active()).isEqualTo(1);
			HeldSlots.of(limiter).release();
			assertThat(limiter.availableSlots()).isEqualTo(1);
			assertThat(combined.deadline()).isEqualTo("ran");
		});
	}

	@Test
	void waitingForASlotCountsTowardTheStageDeadline() {
		this.runner.run((context) -> {
			Combined combined = context.getBean(Combined.class);
			BoundedLimiter limiter = limiter(context, "Combined.stageDeadline");
			assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
			long start = System.nanoTime();
			CompletableFuture<String> result = combined.stageDeadline();
			assertThat(limiter.waiting()).isEqualTo(1);
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> result.get(10, TimeUnit.SECONDS))
				.withCauseInstanceOf(TimeoutExceededException.class);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
			// the timed-out caller leaves the line (right after its stage failed): the
			// freed slot is not handed to it
			Awaits.until("the timed-out caller left the line", () -> limiter.waiting() == 0);
			HeldSlots.of(limiter).release();
			assertThat(limiter.availableSlots()).isEqualTo(1);
			Awaits.stays("the timed-out call is never invoked", 50, () -> combined.invocations() == 0);
		});
	}

	@Test
	void waitingForASlotCountsTowardTheMonoDeadline() {
		this.runner.run((context) -> {
			Combined combined = context.getBean(Combined.class);
			BoundedLimiter limiter = limiter(context, "Combined.monoDeadline");
			assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
			long start = System.nanoTime();
			StepVerifier.create(combined.monoDeadline())
				.expectError(TimeoutExceededException.class)
				.verify(Duration.ofSeconds(10));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
			assertThat(limiter.waiting()).isZero();
			HeldSlots.of(limiter).release();
			assertThat(limiter.availableSlots()).isEqualTo(1);
			assertThat(combined.invocations()).isZero();
		});
	}

	@Test
	void eachAttemptWaitsUnderItsOwnDeadline() {
		this.runner.run((context) -> {
			Combined combined = context.getBean(Combined.class);
			BoundedLimiter limiter = limiter(context, "Combined.attempts");
			assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
			long start = System.nanoTime();
			assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(combined::attempts).satisfies((ex) -> {
				// its own interrupted wait, then the two earlier attempts, each of
				// which timed out waiting too
				assertThat(ex.getSuppressed()).hasSize(3);
				assertThat(ex.getSuppressed()[0]).isInstanceOf(BoundedRejectedException.class);
				assertThat(ex.getSuppressed()).filteredOn(TimeoutExceededException.class::isInstance)
					.hasSize(2)
					.allSatisfy((earlier) -> assertThat(earlier.getSuppressed()).singleElement()
						.isInstanceOf(BoundedRejectedException.class));
			});
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
			assertThat(combined.invocations()).isZero();
			assertThat(limiter.waiting()).isZero();
			assertThat(limiter.active()).isEqualTo(1);
			HeldSlots.of(limiter).release();
			assertThat(limiter.availableSlots()).isEqualTo(1);
		});
	}

	@Test
	void fallbackReceivesTheRejection() {
		this.runner.run((context) -> {
			Combined combined = context.getBean(Combined.class);
			BoundedLimiter limiter = limiter(context, "Combined.guarded");
			assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
			assertThat(combined.guarded()).isEqualTo("fallback after BoundedRejectedException");
			assertThat(combined.invocations()).isZero();
			HeldSlots.of(limiter).release();
			assertThat(combined.guarded()).isEqualTo("ran");
			assertThat(limiter.availableSlots()).isEqualTo(1);
		});
	}

	@Configuration
	static class Config {

		@Bean
		Combined combined() {
			return new Combined();
		}

	}

	static class Combined {

		private final AtomicInteger invocations = new AtomicInteger();

		@Retry(maxAttempts = 3, delay = "1ms")
		@Bounded(name = "busy", value = 1, maxQueued = 0)
		public String busy() {
			this.invocations.incrementAndGet();
			return "ran";
		}

		@Retry(maxAttempts = 3, delay = "500ms")
		@Bounded(name = "busyAsync", value = 1, maxQueued = 0)
		public CompletableFuture<String> busyAsync() {
			this.invocations.incrementAndGet();
			return CompletableFuture.completedFuture("ran");
		}

		@Retry(maxAttempts = 2, delay = "300ms")
		@Bounded(1)
		public CompletableFuture<String> flaky() {
			if (this.invocations.incrementAndGet() == 1) {
				return CompletableFuture.failedFuture(new IllegalStateException("first attempt"));
			}
			return CompletableFuture.completedFuture("second attempt");
		}

		@Timeout("200ms")
		@Bounded(1)
		public String deadline() {
			this.invocations.incrementAndGet();
			return "ran";
		}

		@Timeout("150ms")
		@Bounded(1)
		public CompletableFuture<String> stageDeadline() {
			this.invocations.incrementAndGet();
			return CompletableFuture.completedFuture("ran");
		}

		@Timeout("150ms")
		@Bounded(1)
		public Mono<String> monoDeadline() {
			this.invocations.incrementAndGet();
			return Mono.just("ran");
		}

		@Retry(maxAttempts = 3, delay = "1ms")
		@Timeout("100ms")
		@Bounded(1)
		public String attempts() {
			this.invocations.incrementAndGet();
			return "ran";
		}

		@Fallback("recover")
		@Retry(maxAttempts = 2, delay = "1ms")
		@Bounded(value = 1, maxQueued = 0)
		public String guarded() {
			this.invocations.incrementAndGet();
			return "ran";
		}

		private String recover(Throwable failure) {
			return "fallback after " + failure.getClass().getSimpleName();
		}

		int invocations() {
			return this.invocations.get();
		}

	}

}
