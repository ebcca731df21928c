package dev.asyncutils;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.bounded.BoundedRegistry;
import dev.asyncutils.throttle.ThrottleRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class LimitsSmokeTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void throttleAndBounded() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			Limited limited = context.getBean(Limited.class);
			for (int i = 0; i < 3; i++) {
				limited.throttled();
			}
			assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(limited::throttled)
				.satisfies((ex) -> assertThat(ex.retryAfter()).isPositive());
			assertThat(context.getBean(ThrottleRegistry.class).get("t").availablePermits()).isZero();
			List<CompletableFuture<Void>> pending = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				pending.add(limited.bounded());
			}
			assertThat(limited.maxActive()).isEqualTo(2);
			assertThat(context.getBean(BoundedRegistry.class).get("b").waiting()).isEqualTo(3);
			limited.completeAll();
			assertThat(context.getBean(BoundedRegistry.class).get("b").availableSlots()).isEqualTo(2);
		});
	}

	@Configuration
	static class Config {

		@Bean
		Limited limited() {
			return new Limited();
		}

	}

	static class Limited {

		private final AtomicInteger active = new AtomicInteger();

		private final AtomicInteger maxActive = new AtomicInteger();

		private final List<CompletableFuture<Void>> futures = new ArrayList<>();

		@Throttle(name = "t", rate = 3, per = "1h", maxWait = "0")
		public void throttled() {
		}

		@Bounded(name = "b", value = 2)
		public synchronized CompletableFuture<Void> bounded() {
			this.maxActive.accumulateAndGet(this.active.incrementAndGet(), Math::max);
			CompletableFuture<Void> future = new CompletableFuture<>();
			future.whenComplete((v, e) -> this.active.decrementAndGet());
			this.futures.add(future);
			return future;
		}

		synchronized void completeAll() throws InterruptedException {
			for (int round = 0; round < 100 && this.futures.stream().anyMatch((f) -> !f.isDone()); round++) {
				new ArrayList<>(this.futures).forEach((f) -> f.complete(null));
				wait(20);
			}
		}

		int maxActive() {
			return this.maxActive.get();
		}

	}

}
