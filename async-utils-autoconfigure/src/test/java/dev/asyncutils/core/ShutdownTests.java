package dev.asyncutils.core;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing the context ends every call that waits on async-utils' time at once, with
 * {@link RejectedExecutionException} saying the application is shutting down: stages in a
 * retry delay or with a pending deadline, {@code Mono}/{@code Flux} in a retry delay, a
 * plain caller sleeping between attempts. Delays and deadlines are an hour long, so only
 * the shutdown can end these calls within the few seconds the tests allow.
 */
class ShutdownTests {

	private static final Duration PROMPTLY = Duration.ofSeconds(3);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(TaskExecutionAutoConfiguration.class, AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void stageInRetryDelayFailsAtClose() {
		this.runner.run((context) -> {
			Waiter waiter = context.getBean(Waiter.class);
			CompletableFuture<String> call = waiter.stageRetry();
			awaitAttempts(context, 1);
			assertThat(call).isNotDone();
			closeAndAssertShuttingDown(context, call);
			assertThat(shuttingDownOf(call)).hasSuppressedException(attemptFailure(call));
		});
	}

	@Test
	void stageWithPendingDeadlineFailsAtClose() {
		this.runner.run((context) -> {
			Waiter waiter = context.getBean(Waiter.class);
			CompletableFuture<String> inner = new CompletableFuture<>();
			CompletableFuture<String> call = waiter.stageDeadline(inner);
			assertThat(call).isNotDone();
			closeAndAssertShuttingDown(context, call);
			assertThat(inner).isCancelled();
		});
	}

	@Test
	void monoInRetryDelayFailsAtClose() {
		this.runner.run((context) -> {
			Waiter waiter = context.getBean(Waiter.class);
			CompletableFuture<String> call = waiter.monoRetry().toFuture();
			awaitAttempts(context, 1);
			closeAndAssertShuttingDown(context, call);
		});
	}

	@Test
	void fluxInRetryDelayFailsAtClose() {
		this.runner.run((context) -> {
			Waiter waiter = context.getBean(Waiter.class);
			CompletableFuture<java.util.List<String>> call = waiter.fluxRetry().collectList().toFuture();
			awaitAttempts(context, 1);
			closeAndAssertShuttingDown(context, call);
		});
	}

	@Test
	void plainCallerSleepingInRetryDelayGetsRejectedAtClose() {
		this.runner.run((context) -> {
			Waiter waiter = context.getBean(Waiter.class);
			AtomicReference<Throwable> thrown = new AtomicReference<>();
			CountDownLatch done = new CountDownLatch(1);
			Thread caller = new Thread(() -> {
				try {
					waiter.plainRetry();
				}
				catch (Throwable ex) {
					thrown.set(ex);
				}
				done.countDown();
			}, "plain-caller");
			caller.setDaemon(true);
			caller.start();
			awaitAttempts(context, 1);
			Thread.sleep(50);
			long start = System.nanoTime();
			context.close();
			assertThat(done.await(PROMPTLY.toMillis(), TimeUnit.MILLISECONDS)).as("plain caller ended").isTrue();
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPTLY);
			assertThat(thrown.get()).isInstanceOf(RejectedExecutionException.class)
				.hasMessageContaining("shutting down");
			assertThat(thrown.get().getSuppressed()).singleElement().isInstanceOf(IOException.class);
			assertThat(caller.isInterrupted()).isFalse();
		});
	}

	@Test
	void stageDeadlineScheduledAfterCloseFailsAtOnce() {
		this.runner.run((context) -> {
			Waiter waiter = context.getBean(Waiter.class);
			context.close();
			CompletableFuture<String> inner = new CompletableFuture<>();
			CompletableFuture<String> call = waiter.stageDeadline(inner);
			assertThat(call).failsWithin(PROMPTLY)
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(RejectedExecutionException.class)
				.withMessageContaining("shutting down");
		});
	}

	@Test
	void stageRetryAfterCloseFailsAtOnce() {
		this.runner.run((context) -> {
			Waiter waiter = context.getBean(Waiter.class);
			context.close();
			CompletableFuture<String> call = waiter.stageRetry();
			assertThat(call).failsWithin(PROMPTLY)
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(RejectedExecutionException.class)
				.withMessageContaining("shutting down");
		});
	}

	private static void closeAndAssertShuttingDown(ConfigurableApplicationContext context, CompletableFuture<?> call) {
		long start = System.nanoTime();
		context.close();
		assertThat(call).failsWithin(PROMPTLY)
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(RejectedExecutionException.class)
			.withMessageContaining("shutting down");
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(PROMPTLY);
	}

	private static Throwable shuttingDownOf(CompletableFuture<?> call) {
		return call.handle((value, failure) -> failure.getCause() != null ? failure.getCause() : failure).join();
	}

	private static Throwable attemptFailure(CompletableFuture<?> call) {
		return shuttingDownOf(call).getSuppressed()[0];
	}

	private static void awaitAttempts(ConfigurableApplicationContext context, int attempts)
			throws InterruptedException {
		Waiter waiter = context.getBean(Waiter.class);
		long deadline = System.nanoTime() + PROMPTLY.toNanos();
		while (waiter.attempts() < attempts && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(waiter.attempts()).isGreaterThanOrEqualTo(attempts);
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Waiter waiter() {
			return new Waiter();
		}

	}

	static class Waiter {

		private final AtomicInteger attempts = new AtomicInteger();

		public int attempts() {
			return this.attempts.get();
		}

		@Retry(maxAttempts = 5, delay = "1h", maxDelay = "2h")
		public CompletableFuture<String> stageRetry() {
			this.attempts.incrementAndGet();
			return CompletableFuture.failedFuture(new IOException("attempt failed"));
		}

		@Timeout("1h")
		public CompletableFuture<String> stageDeadline(CompletableFuture<String> inner) {
			return inner;
		}

		@Retry(maxAttempts = 5, delay = "1h", maxDelay = "2h")
		public Mono<String> monoRetry() {
			return Mono.defer(() -> {
				this.attempts.incrementAndGet();
				return Mono.error(new IOException("attempt failed"));
			});
		}

		@Retry(maxAttempts = 5, delay = "1h", maxDelay = "2h")
		public Flux<String> fluxRetry() {
			return Flux.defer(() -> {
				this.attempts.incrementAndGet();
				return Flux.error(new IOException("attempt failed"));
			});
		}

		@Retry(maxAttempts = 5, delay = "1h", maxDelay = "2h")
		public String plainRetry() throws IOException {
			this.attempts.incrementAndGet();
			throw new IOException("attempt failed");
		}

	}

}
