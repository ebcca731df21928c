package dev.asyncutils.timeout;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.bounded.BoundedLimiter;
import dev.asyncutils.bounded.BoundedRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * At the deadline of a CompletionStage call, what the inner call held is given back
 * before the caller learns of the timeout: a caller reacting to the timeout can retry at
 * once and find the slot free.
 */
class TimeoutReleasesBeforeReportingTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void slotIsFreeWhenTheCallerSeesTheTimeout() {
		this.runner.run((context) -> {
			Slow slow = context.getBean(Slow.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("single");
			for (int i = 0; i < 20; i++) {
				CompletableFuture<String> call = slow.never();
				int[] freeWhenReported = { -1 };
				Throwable[] reported = { null };
				call.handle((value, failure) -> {
					reported[0] = failure;
					freeWhenReported[0] = limiter.availableSlots();
					return null;
				}).join();
				assertThat(reported[0]).isInstanceOf(TimeoutExceededException.class);
				assertThat(freeWhenReported[0]).isEqualTo(1);
			}
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Slow slow() {
			return new Slow();
		}

	}

	static class Slow {

		@Timeout("20ms")
		@Bounded(name = "single", value = 1)
		public CompletableFuture<String> never() {
			return new CompletableFuture<>();
		}

	}

}
