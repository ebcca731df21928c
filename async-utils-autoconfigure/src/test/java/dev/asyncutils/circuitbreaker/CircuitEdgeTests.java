package dev.asyncutils.circuitbreaker;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.CircuitState;
import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.CircuitBreaker;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The breaker where the application meets it: a state listener that throws, and the
 * context closing while calls wait below the breaker.
 */
class CircuitEdgeTests {

	static final AtomicLong now = new AtomicLong(1_000_000_000L);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withBean(CircuitBreakerRegistry.class,
				() -> new CircuitBreakerRegistry(new CircuitBreakerProperties(), now::get))
		.withBean(Edge.class);

	@Test
	void aStateListenerThatThrowsChangesNoCallersOutcomeAndNoOtherListenerIsSkipped() {
		this.runner.run((context) -> {
			Edge edge = context.getBean(Edge.class);
			Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("listened");
			circuit.onStateChange((from, to) -> {
				throw new IllegalStateException("listener failed");
			});
			StringBuilder seen = new StringBuilder();
			circuit.onStateChange((from, to) -> seen.append(from).append("->").append(to).append(' '));
			// the failure that opens the breaker reaches its caller unchanged
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> edge.listened(true)).withMessage("down");
			assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
			now.addAndGet(Duration.ofSeconds(10).toNanos());
			// the trial that makes it half-open, then closes it, returns its value
			assertThat(edge.listened(false)).isEqualTo("ok");
			assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
			assertThat(seen.toString()).isEqualTo("CLOSED->OPEN OPEN->HALF_OPEN HALF_OPEN->CLOSED ");
			assertThat(circuit.successCount()).isEqualTo(1);
			assertThat(circuit.failureCount()).isEqualTo(1);
		});
	}

	@Test
	void callsWaitingBelowTheBreakerWhenTheContextClosesAreNotRecordedAsFailures() {
		this.runner.run((context) -> {
			Edge edge = context.getBean(Edge.class);
			Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("closing");
			CompletableFuture<String> holder = edge.closing(new CompletableFuture<>());
			CompletableFuture<String> waiting = edge.closing(new CompletableFuture<>());
			Sinks.One<String> never = Sinks.one();
			CompletableFuture<String> waitingMono = edge.closingMono(never.asMono()).toFuture();
			assertThat(waiting).isNotDone();
			assertThat(waitingMono).isNotDone();
			context.close();
			for (CompletableFuture<String> call : java.util.List.of(waiting, waitingMono)) {
				assertThat(call).failsWithin(Duration.ofSeconds(5))
					.withThrowableOfType(ExecutionException.class)
					.withCauseInstanceOf(RejectedExecutionException.class)
					.withMessageContaining("shutting down");
			}
			assertThat(circuit.failureCount()).as("a shutdown is no failure of the downstream").isZero();
			assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
			assertThat(holder).isNotDone();
		});
	}

	@Test
	void aStageTrialThatSucceededClosedTheBreakerBeforeItsCallerSeesTheValue() {
		this.runner.run((context) -> {
			Edge edge = context.getBean(Edge.class);
			Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("stage-trial");
			assertThat(edge.stageTrial(CompletableFuture.failedFuture(new IOException("down"))))
				.isCompletedExceptionally();
			assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
			now.addAndGet(Duration.ofSeconds(10).toNanos());
			CompletableFuture<String> trial = new CompletableFuture<>();
			CompletableFuture<String> seen = edge.stageTrial(trial).thenApply((value) -> value + " " + circuit.state());
			trial.complete("ok");
			assertThat(seen).isCompletedWithValue("ok CLOSED");
		});
	}

	static class Edge {

		@CircuitBreaker(name = "stage-trial", minimumCalls = 1, windowCalls = 1, waitInOpen = "10s", halfOpenCalls = 1)
		public CompletableFuture<String> stageTrial(CompletableFuture<String> result) {
			return result;
		}

		@CircuitBreaker(name = "listened", minimumCalls = 1, windowCalls = 1, waitInOpen = "10s", halfOpenCalls = 1)
		public String listened(boolean fail) throws IOException {
			if (fail) {
				throw new IOException("down");
			}
			return "ok";
		}

		@CircuitBreaker(name = "closing", minimumCalls = 1, windowCalls = 1, waitInOpen = "1h")
		@Bounded(name = "closing", value = 1)
		public CompletableFuture<String> closing(CompletableFuture<String> result) {
			return result;
		}

		@CircuitBreaker(name = "closing", minimumCalls = 1, windowCalls = 1, waitInOpen = "1h")
		@Bounded(name = "closing", value = 1)
		public Mono<String> closingMono(Mono<String> result) {
			return result;
		}

	}

}
