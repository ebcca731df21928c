package dev.asyncutils.retry;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.annotation.Retry;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, defect 2: {@code @Retry(delay = "0")} on an asynchronous method whose
 * attempts fail at once must loop, not recurse: 5,000 attempts (the stack overflowed at
 * about 1,150 before) end with the last failure, and the caller's future completes.
 */
class RetryWithoutRecursionTests {

	private static final int ATTEMPTS = 5_000;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void stageMethodThatThrowsSynchronouslyIsRetriedWithoutRecursion() {
		this.runner.run((context) -> {
			Immediate immediate = context.getBean(Immediate.class);
			CompletableFuture<String> result = immediate.throwing();
			assertThat(result).failsWithin(Duration.ofSeconds(30))
				.withThrowableThat()
				.havingCause()
				.isExactlyInstanceOf(IllegalStateException.class)
				.withMessage("attempt " + ATTEMPTS);
			assertThat(immediate.attempts()).isEqualTo(ATTEMPTS);
		});
	}

	@Test
	void stageMethodThatReturnsFailedFuturesIsRetriedWithoutRecursion() {
		this.runner.run((context) -> {
			Immediate immediate = context.getBean(Immediate.class);
			CompletableFuture<String> result = immediate.failed();
			assertThat(result).failsWithin(Duration.ofSeconds(30))
				.withThrowableThat()
				.havingCause()
				.withMessage("attempt " + ATTEMPTS);
			assertThat(immediate.attempts()).isEqualTo(ATTEMPTS);
		});
	}

	@Test
	void monoThatFailsAtOnceIsRetriedWithoutRecursion() {
		this.runner.run((context) -> {
			Immediate immediate = context.getBean(Immediate.class);
			CompletableFuture<String> result = immediate.mono().toFuture();
			assertThat(result).failsWithin(Duration.ofSeconds(30))
				.withThrowableThat()
				.havingCause()
				.withMessage("attempt " + ATTEMPTS);
			assertThat(immediate.attempts()).isEqualTo(ATTEMPTS);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Immediate immediate() {
			return new Immediate();
		}

	}

	static class Immediate {

		private final AtomicInteger attempts = new AtomicInteger();

		public int attempts() {
			return this.attempts.get();
		}

		@Retry(maxAttempts = ATTEMPTS, delay = "0", maxDelay = "1ms")
		public CompletableFuture<String> throwing() {
			throw new IllegalStateException("attempt " + this.attempts.incrementAndGet());
		}

		@Retry(maxAttempts = ATTEMPTS, delay = "0", maxDelay = "1ms")
		public CompletableFuture<String> failed() {
			return CompletableFuture
				.failedFuture(new IllegalStateException("attempt " + this.attempts.incrementAndGet()));
		}

		@Retry(maxAttempts = ATTEMPTS, delay = "0", maxDelay = "1ms")
		public Mono<String> mono() {
			return Mono
				.defer(() -> Mono.error(new IllegalStateException("attempt " + this.attempts.incrementAndGet())));
		}

	}

}
