package dev.asyncutils.circuitbreaker;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.CircuitOpenException;
import dev.asyncutils.CircuitState;
import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.CircuitBreaker;
import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.bounded.BoundedRegistry;
import dev.asyncutils.throttle.ThrottleRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @CircuitBreaker} among the other annotations, in a Spring context: inside
 * {@code @Retry} and {@code @Fallback}, outside {@code @Timeout}, {@code @Bounded} and
 * {@code @Throttle}. An open breaker takes no slot, no permit and no deadline; a timeout
 * below counts as a failure, a rejection below counts neither way.
 */
class CircuitBreakerNestingTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(TaskExecutionAutoConfiguration.class, AsyncUtilsAutoConfiguration.class))
		.withBean(Nested.class);

	@Test
	void retryAttemptsGoThroughTheBreakerAndStopReachingTheMethodOnceItOpens() {
		this.runner.run((context) -> {
			Nested nested = context.getBean(Nested.class);
			assertThatExceptionOfType(CircuitOpenException.class).isThrownBy(nested::retried)
				.satisfies((ex) -> assertThat(ex.getSuppressed()).hasSize(3)
					.hasOnlyElementsOfTypes(IOException.class, CircuitOpenException.class));
			assertThat(nested.invocations()).as("attempts 3 and 4 never reached the method").isEqualTo(2);
			Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("retried");
			assertThat(circuit.failureCount()).isEqualTo(2);
			assertThat(circuit.notPermittedCount()).isEqualTo(2);
		});
	}

	@Test
	void fallbackAnswersForAnOpenBreaker() {
		this.runner.run((context) -> {
			Nested nested = context.getBean(Nested.class);
			assertThat(nested.withFallback()).isEqualTo("fallback after IOException");
			assertThat(nested.withFallback()).isEqualTo("fallback after CircuitOpenException");
			assertThat(nested.invocations()).isEqualTo(1);
		});
	}

	@Test
	void aTimeoutBelowCountsAsAFailureAndAnOpenBreakerStartsNoDeadline() {
		this.runner.run((context) -> {
			Nested nested = context.getBean(Nested.class);
			assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(nested::timed);
			Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("timed");
			assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
			long started = System.nanoTime();
			assertThatExceptionOfType(CircuitOpenException.class).isThrownBy(nested::timed);
			assertThat(System.nanoTime() - started).as("failed at once, no 50ms deadline").isLessThan(40_000_000L);
			assertThat(nested.invocations()).isEqualTo(1);
		});
	}

	@Test
	void boundedRejectionsBelowCountNeitherWayAndAnOpenBreakerTakesNoSlot() {
		this.runner.run((context) -> {
			Nested nested = context.getBean(Nested.class);
			Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("bounded");
			CompletableFuture<String> holding = new CompletableFuture<>();
			nested.bounded(holding);
			for (int i = 0; i < 3; i++) {
				assertThat(nested.bounded(new CompletableFuture<>())).failsWithin(java.time.Duration.ZERO)
					.withThrowableThat()
					.havingCause()
					.isInstanceOf(BoundedRejectedException.class);
			}
			assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
			assertThat(circuit.ignoredCount()).isEqualTo(3);
			holding.completeExceptionally(new IOException("down"));
			assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
			long permitted = context.getBean(BoundedRegistry.class).get("bounded").permittedCount();
			assertThat(nested.bounded(CompletableFuture.completedFuture("x"))).isCompletedExceptionally();
			assertThat(context.getBean(BoundedRegistry.class).get("bounded").permittedCount()).isEqualTo(permitted);
		});
	}

	@Test
	void throttleRejectionsBelowCountNeitherWayAndAnOpenBreakerTakesNoPermit() {
		this.runner.run((context) -> {
			Nested nested = context.getBean(Nested.class);
			Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("throttled");
			nested.throttled(false);
			assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(() -> nested.throttled(false));
			assertThat(circuit.ignoredCount()).isEqualTo(1);
			assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
		});
		this.runner.run((context) -> {
			Nested nested = context.getBean(Nested.class);
			Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("throttled");
			ThrottleRegistry throttles = context.getBean(ThrottleRegistry.class);
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> nested.throttled(true));
			assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
			assertThat(throttles.get("throttled").permittedCount()).isEqualTo(1);
			assertThatExceptionOfType(CircuitOpenException.class).isThrownBy(() -> nested.throttled(true));
			assertThat(throttles.get("throttled").permittedCount()).isEqualTo(1);
			assertThat(throttles.get("throttled").rejectedCount()).isZero();
		});
	}

	static class Nested {

		private final AtomicInteger invocations = new AtomicInteger();

		public int invocations() {
			return this.invocations.get();
		}

		@Retry(maxAttempts = 4, delay = "1ms")
		@CircuitBreaker(name = "retried", minimumCalls = 2, windowCalls = 2, waitInOpen = "1h")
		public String retried() throws IOException {
			this.invocations.incrementAndGet();
			throw new IOException("down");
		}

		@Fallback("recover")
		@CircuitBreaker(name = "fallback", minimumCalls = 1, windowCalls = 1, waitInOpen = "1h")
		public String withFallback() throws IOException {
			this.invocations.incrementAndGet();
			throw new IOException("down");
		}

		String recover(Throwable failure) {
			return "fallback after " + failure.getClass().getSimpleName();
		}

		@CircuitBreaker(name = "timed", minimumCalls = 1, windowCalls = 1, waitInOpen = "1h")
		@Timeout("50ms")
		public String timed() throws InterruptedException {
			this.invocations.incrementAndGet();
			Thread.sleep(5_000);
			return "late";
		}

		@CircuitBreaker(name = "bounded", minimumCalls = 1, windowCalls = 1, waitInOpen = "1h")
		@Bounded(name = "bounded", value = 1, maxWait = "0")
		public CompletableFuture<String> bounded(CompletableFuture<String> result) {
			return result;
		}

		@CircuitBreaker(name = "throttled", minimumCalls = 1, windowCalls = 1, waitInOpen = "1h")
		@Throttle(name = "throttled", rate = 1, per = "1h", maxWait = "0")
		public String throttled(boolean fail) throws IOException {
			if (fail) {
				throw new IOException("down");
			}
			return "ok";
		}

	}

}
