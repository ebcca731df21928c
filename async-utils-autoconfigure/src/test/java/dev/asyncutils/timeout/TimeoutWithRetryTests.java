package dev.asyncutils.timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code @Timeout} under {@code @Retry}: every attempt has its own deadline, a timed-out
 * attempt is retried like any failure, and after the last one the caller gets the last
 * {@link TimeoutExceededException} with the earlier failures suppressed.
 */
class TimeoutWithRetryTests {

	private static final Duration VERIFY = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@AfterEach
	void clearInterrupt() {
		Thread.interrupted();
	}

	@Test
	void timedOutAttemptsAreRetriedAndTheLastOneReturns() {
		this.runner.run((context) -> {
			Retried retried = context.getBean(Retried.class);
			Attempts attempts = context.getBean(Attempts.class);
			long start = System.nanoTime();
			assertThat(retried.sleepyTwice()).isEqualTo("ok-3");
			assertThat(attempts.count).hasValue(3);
			// two deadlines passed before the third attempt started
			assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
			assertThat(attempts.interrupted).hasValue(2);
			assertThat(attempts.threads).containsOnly(Thread.currentThread().getName()).hasSize(3);
			assertThat(Thread.currentThread().isInterrupted()).isFalse();
			// one cleanup per timed-out attempt, none for the successful one
			await(() -> attempts.cleanups.get() >= 2);
			Thread.sleep(150);
			assertThat(attempts.cleanups).hasValue(2);
		});
	}

	@Test
	void everyAttemptHasItsOwnDeadline() {
		this.runner.run((context) -> {
			Retried retried = context.getBean(Retried.class);
			Attempts attempts = context.getBean(Attempts.class);
			long start = System.nanoTime();
			// three attempts of 400ms each: together past one 1s deadline, each within
			assertThat(retried.slowFailures()).isEqualTo("ok-3");
			assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(1200).toNanos());
			assertThat(attempts.count).hasValue(3);
			assertThat(attempts.interrupted).hasValue(0);
		});
	}

	@Test
	void whenEveryAttemptIgnoresItsDeadlineTheCallerGetsTheLastTimeoutWithTheEarlierOnesSuppressed() {
		this.runner.run((context) -> {
			Retried retried = context.getBean(Retried.class);
			Attempts attempts = context.getBean(Attempts.class);
			long start = System.nanoTime();
			Throwable thrown = catchThrowable(retried::alwaysSpin);
			assertThat(thrown).isInstanceOf(TimeoutExceededException.class)
				.hasMessage("'spinner' did not complete within 50ms");
			// the caller waited for every attempt to run to its end
			assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(3 * 150).toNanos());
			assertThat(attempts.count).hasValue(3);
			assertThat(attempts.completed).hasValue(3);
			assertThat(thrown.getSuppressed()).hasSize(2).allSatisfy((suppressed) -> {
				assertThat(suppressed).isInstanceOf(TimeoutExceededException.class)
					.isNotSameAs(thrown)
					.hasMessage("'spinner' did not complete within 50ms");
				assertThat(suppressed.getSuppressed()).isEmpty();
			});
			assertThat(thrown.getSuppressed()[0]).isNotSameAs(thrown.getSuppressed()[1]);
			assertThat(Thread.currentThread().isInterrupted()).isFalse();
		});
	}

	@Test
	void whenEverySleepingAttemptTimesOutTheLastTimeoutCarriesItsInterruptAndTheEarlierTimeouts() {
		this.runner.run((context) -> {
			Retried retried = context.getBean(Retried.class);
			Attempts attempts = context.getBean(Attempts.class);
			Throwable thrown = catchThrowable(retried::alwaysSleep);
			assertThat(thrown).isInstanceOf(TimeoutExceededException.class);
			assertThat(attempts.count).hasValue(3);
			assertThat(attempts.interrupted).hasValue(3);
			// its own InterruptedException first, then the two earlier timeouts
			assertThat(thrown.getSuppressed()).extracting(Object::getClass)
				.containsExactly(InterruptedException.class, TimeoutExceededException.class,
						TimeoutExceededException.class);
			for (int i = 1; i <= 2; i++) {
				assertThat(thrown.getSuppressed()[i].getSuppressed()).singleElement()
					.isInstanceOf(InterruptedException.class);
			}
			assertThat(Thread.currentThread().isInterrupted()).isFalse();
			assertNotInterruptedDuring(200);
		});
	}

	@Test
	void timedOutFutureAttemptsAreRetriedAndEachIsCancelled() {
		this.runner.run((context) -> {
			Retried retried = context.getBean(Retried.class);
			Attempts attempts = context.getBean(Attempts.class);
			long start = System.nanoTime();
			assertThat(retried.futureNeverTwice().get(10, TimeUnit.SECONDS)).isEqualTo("ok-3");
			assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
			assertThat(attempts.count).hasValue(3);
			assertThat(attempts.futures).hasSize(3);
			await(() -> attempts.futures.get(0).isCancelled() && attempts.futures.get(1).isCancelled());
			assertThat(attempts.futures.get(2)).isCompletedWithValue("ok-3");
		});
	}

	@Test
	void whenEveryFutureAttemptTimesOutTheStageFailsWithTheLastTimeout() {
		this.runner.run((context) -> {
			Retried retried = context.getBean(Retried.class);
			Attempts attempts = context.getBean(Attempts.class);
			long start = System.nanoTime();
			CompletableFuture<String> result = retried.futureAlwaysNever();
			Throwable failure = catchThrowable(() -> result.get(10, TimeUnit.SECONDS));
			assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(150).toNanos());
			assertThat(failure).isInstanceOf(ExecutionException.class)
				.cause()
				.isInstanceOf(TimeoutExceededException.class);
			Throwable last = failure.getCause();
			assertThat(last.getSuppressed()).hasSize(2)
				.allSatisfy((suppressed) -> assertThat(suppressed).isInstanceOf(TimeoutExceededException.class)
					.isNotSameAs(last));
			assertThat(attempts.count).hasValue(3);
			await(() -> attempts.futures.stream().allMatch(CompletableFuture::isCancelled));
			assertThat(attempts.futures).hasSize(3);
		});
	}

	@Test
	void timedOutMonoSubscriptionsAreRetriedAndEachIsCancelled() {
		this.runner.run((context) -> {
			Retried retried = context.getBean(Retried.class);
			Attempts attempts = context.getBean(Attempts.class);
			long start = System.nanoTime();
			StepVerifier.create(retried.monoNeverTwice()).expectNext("ok-3").expectComplete().verify(VERIFY);
			assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
			assertThat(attempts.count).hasValue(3);
			assertThat(attempts.cancelled).hasValue(2);
		});
	}

	@Test
	void whenEveryMonoSubscriptionTimesOutTheSubscriberGetsTheLastTimeout() {
		this.runner.run((context) -> {
			Retried retried = context.getBean(Retried.class);
			Attempts attempts = context.getBean(Attempts.class);
			StepVerifier.create(retried.monoAlwaysNever())
				.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(TimeoutExceededException.class)
					.satisfies((last) -> assertThat(last.getSuppressed()).hasSize(2)
						.allSatisfy((suppressed) -> assertThat(suppressed).isInstanceOf(TimeoutExceededException.class)
							.isNotSameAs(last))))
				.verify(VERIFY);
			assertThat(attempts.count).hasValue(3);
			assertThat(attempts.cancelled).hasValue(3);
		});
	}

	private static void assertNotInterruptedDuring(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			fail("a later sleep on the caller's thread was interrupted");
		}
	}

	private static void await(BooleanSupplier condition) throws InterruptedException {
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > end) {
				fail("timed out waiting for the condition");
			}
			Thread.sleep(5);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Attempts attempts() {
			return new Attempts();
		}

		@Bean
		Retried retried(Attempts attempts) {
			return new Retried(attempts);
		}

	}

	static class Attempts {

		final AtomicInteger count = new AtomicInteger();

		final AtomicInteger interrupted = new AtomicInteger();

		final AtomicInteger completed = new AtomicInteger();

		final AtomicInteger cleanups = new AtomicInteger();

		final AtomicInteger cancelled = new AtomicInteger();

		final List<String> threads = new CopyOnWriteArrayList<>();

		final List<CompletableFuture<String>> futures = new CopyOnWriteArrayList<>();

	}

	static class Retried {

		private final Attempts attempts;

		Retried(Attempts attempts) {
			this.attempts = attempts;
		}

		@Retry(maxAttempts = 3, delay = "1ms")
		@Timeout(value = "50ms", cleanup = "onTimeout")
		public String sleepyTwice() throws InterruptedException {
			int attempt = this.attempts.count.incrementAndGet();
			this.attempts.threads.add(Thread.currentThread().getName());
			if (attempt <= 2) {
				sleep(10_000);
			}
			return "ok-" + attempt;
		}

		@Retry(maxAttempts = 3, delay = "1ms")
		@Timeout("1s")
		public String slowFailures() throws InterruptedException {
			int attempt = this.attempts.count.incrementAndGet();
			sleep(400);
			if (attempt < 3) {
				throw new IllegalStateException("attempt " + attempt);
			}
			return "ok-" + attempt;
		}

		@Retry(maxAttempts = 3, delay = "1ms")
		@Timeout(value = "50ms", name = "spinner")
		public String alwaysSpin() {
			this.attempts.count.incrementAndGet();
			// busy for 150ms, ignoring interrupts, and in any case until the deadline's
			// interrupt came (bounded), so the deadline passes even on a loaded machine
			long start = System.nanoTime();
			long min = start + TimeUnit.MILLISECONDS.toNanos(150);
			long max = start + TimeUnit.SECONDS.toNanos(10);
			while (System.nanoTime() < min || (!Thread.currentThread().isInterrupted() && System.nanoTime() < max)) {
				Thread.onSpinWait();
			}
			this.attempts.completed.incrementAndGet();
			return "spun";
		}

		@Retry(maxAttempts = 3, delay = "1ms")
		@Timeout("50ms")
		public String alwaysSleep() throws InterruptedException {
			this.attempts.count.incrementAndGet();
			sleep(10_000);
			return "slept";
		}

		@Retry(maxAttempts = 3, delay = "1ms")
		@Timeout("50ms")
		public CompletableFuture<String> futureNeverTwice() {
			int attempt = this.attempts.count.incrementAndGet();
			CompletableFuture<String> future = (attempt <= 2) ? new CompletableFuture<>()
					: CompletableFuture.completedFuture("ok-" + attempt);
			this.attempts.futures.add(future);
			return future;
		}

		@Retry(maxAttempts = 3, delay = "1ms")
		@Timeout("50ms")
		public CompletableFuture<String> futureAlwaysNever() {
			this.attempts.count.incrementAndGet();
			CompletableFuture<String> future = new CompletableFuture<>();
			this.attempts.futures.add(future);
			return future;
		}

		@Retry(maxAttempts = 3, delay = "1ms")
		@Timeout("50ms")
		public Mono<String> monoNeverTwice() {
			int attempt = this.attempts.count.incrementAndGet();
			return (attempt <= 2) ? Mono.<String>never().doOnCancel(this.attempts.cancelled::incrementAndGet)
					: Mono.just("ok-" + attempt);
		}

		@Retry(maxAttempts = 3, delay = "1ms")
		@Timeout("50ms")
		public Mono<String> monoAlwaysNever() {
			this.attempts.count.incrementAndGet();
			return Mono.<String>never().doOnCancel(this.attempts.cancelled::incrementAndGet);
		}

		private void sleep(long millis) throws InterruptedException {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				this.attempts.interrupted.incrementAndGet();
				throw ex;
			}
		}

		private void onTimeout() {
			this.attempts.cleanups.incrementAndGet();
		}

	}

}
