package dev.asyncutils.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.bounded.BoundedRegistry;
import dev.asyncutils.fallback.FallbackFeature;
import dev.asyncutils.retry.RetryFeature;
import dev.asyncutils.timeout.TimeoutFeature;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Methods that return a future already completed: every guard hands back the method's
 * value, counts the call, and gives back what it held (a bounded slot) at once. Futures
 * completed exceptionally still go through the full path (retry, fallback).
 */
class CompletedStageTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void completedFuturesPassEveryGuardAndAreCounted() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			for (int i = 0; i < 10; i++) {
				assertThat(service.all(i).toCompletableFuture().getNow(-1)).isEqualTo(i + 1);
			}
			assertThat(context.getBean(BoundedRegistry.class).get("completed").availableSlots()).isEqualTo(1);
			assertThat(context.getBean(RetryFeature.class).instances().find("completed").successCount()).isEqualTo(10);
			assertThat(context.getBean(TimeoutFeature.class).instances().find("completed").completedCount())
				.isEqualTo(10);
			assertThat(context.getBean(Counter.class).fallbacks.get()).isZero();
			assertThat(context.getBean(Counter.class).calls.get()).isEqualTo(10);
		});
	}

	@Test
	void futureCompletedExceptionallyIsRetriedThenFallsBackAndFreesTheSlot() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			assertThat(service.failing().toCompletableFuture().getNow("not done")).isEqualTo("fallback");
			assertThat(context.getBean(Counter.class).calls.get()).isEqualTo(3);
			assertThat(context.getBean(Counter.class).fallbacks.get()).isEqualTo(1);
			assertThat(context.getBean(BoundedRegistry.class).get("completed").availableSlots()).isEqualTo(1);
			assertThat(context.getBean(FallbackFeature.class).instances().find("Service.failing").callCount())
				.isEqualTo(1);
			assertThat(context.getBean(FallbackFeature.class).instances().find("Service.all").callCount()).isZero();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Counter counter() {
			return new Counter();
		}

		@Bean
		Service service(Counter counter) {
			return new Service(counter);
		}

	}

	static class Counter {

		final AtomicInteger calls = new AtomicInteger();

		final AtomicInteger fallbacks = new AtomicInteger();

	}

	static class Service {

		private final Counter counter;

		Service(Counter counter) {
			this.counter = counter;
		}

		@Fallback("fallback")
		@Retry(name = "completed", maxAttempts = 3, delay = "0ms")
		@Timeout(name = "completed", value = "10s")
		@Bounded(name = "completed", value = 1, maxWait = "0ms")
		@Throttle(rate = 1_000_000, burst = 1_000)
		public CompletableFuture<Integer> all(int value) {
			this.counter.calls.incrementAndGet();
			return CompletableFuture.completedFuture(value + 1);
		}

		public CompletableFuture<Integer> fallback(int value) {
			this.counter.fallbacks.incrementAndGet();
			return CompletableFuture.completedFuture(-1);
		}

		@Fallback("failingFallback")
		@Retry(name = "completed", maxAttempts = 3, delay = "0ms")
		@Timeout(name = "completed", value = "10s")
		@Bounded(name = "completed", value = 1, maxWait = "0ms")
		public CompletableFuture<String> failing() {
			this.counter.calls.incrementAndGet();
			return CompletableFuture.failedFuture(new IllegalStateException("down"));
		}

		public CompletableFuture<String> failingFallback() {
			this.counter.fallbacks.incrementAndGet();
			return CompletableFuture.completedFuture("fallback");
		}

	}

}
