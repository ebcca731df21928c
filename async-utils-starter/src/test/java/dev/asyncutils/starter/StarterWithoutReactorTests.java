package dev.asyncutils.starter;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The starter's own classpath has no Reactor: every capability must work for plain and
 * CompletionStage methods without ever touching a Reactor class.
 */
class StarterWithoutReactorTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void reactorIsReallyAbsent() {
		assertThat(ClassUtils.isPresent("reactor.core.publisher.Mono", getClass().getClassLoader())).isFalse();
	}

	@Test
	void plainAndStageMethodsAreGuarded() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			Client client = context.getBean(Client.class);
			assertThat(client.plain()).isEqualTo("fallback after 3 attempts");
			assertThat(client.stage().get()).isEqualTo("ok on attempt 2");
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> client.slow().get())
				.withCauseInstanceOf(TimeoutExceededException.class);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Client client() {
			return new Client();
		}

	}

	static class Client {

		private final AtomicInteger plainAttempts = new AtomicInteger();

		private final AtomicInteger stageAttempts = new AtomicInteger();

		@Fallback("recover")
		@Retry(delay = "1ms")
		@Timeout("5s")
		public String plain() {
			this.plainAttempts.incrementAndGet();
			throw new IllegalStateException("down");
		}

		@Retry(delay = "1ms")
		public CompletableFuture<String> stage() {
			int attempt = this.stageAttempts.incrementAndGet();
			return (attempt < 2) ? CompletableFuture.failedFuture(new IllegalStateException("down"))
					: CompletableFuture.completedFuture("ok on attempt " + attempt);
		}

		@Timeout("20ms")
		public CompletableFuture<String> slow() {
			return new CompletableFuture<>();
		}

		String recover() {
			return "fallback after " + this.plainAttempts.get() + " attempts";
		}

	}

}
