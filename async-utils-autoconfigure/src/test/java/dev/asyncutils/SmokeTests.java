package dev.asyncutils;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

class SmokeTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void retriesAndFallsBack() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			Flaky flaky = context.getBean(Flaky.class);
			assertThat(flaky.call()).isEqualTo("fallback:boom3");
			assertThat(flaky.attempts()).isEqualTo(3);
			assertThat(flaky.async().get()).isEqualTo("ok");
		});
	}

	@Configuration
	static class Config {

		@Bean
		Flaky flaky() {
			return new Flaky();
		}

	}

	static class Flaky {

		final AtomicInteger attempts = new AtomicInteger();

		final AtomicInteger asyncAttempts = new AtomicInteger();

		@Fallback("recover")
		@Retry(delay = "1ms")
		@Timeout("1s")
		public String call() {
			throw new IllegalStateException("boom" + this.attempts.incrementAndGet());
		}

		@Retry(delay = "1ms", maxAttempts = 4)
		public CompletableFuture<String> async() {
			if (this.asyncAttempts.incrementAndGet() < 4) {
				return CompletableFuture.failedFuture(new IllegalStateException("no"));
			}
			return CompletableFuture.completedFuture("ok");
		}

		int attempts() {
			return this.attempts.get();
		}

		private String recover(Throwable ex) {
			return "fallback:" + ex.getMessage();
		}

	}

}
