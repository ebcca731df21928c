package dev.asyncutils.circuitbreaker;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.CircuitOpenException;
import dev.asyncutils.CircuitState;
import dev.asyncutils.annotation.CircuitBreaker;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What a cancelled asynchronous call records: exactly one outcome, {@code ignored}
 * (counted neither way, so nothing in the window), and a cancelled half-open trial gives
 * its place back. A call whose caller saw its value counts as a success, whichever of the
 * completion and the cancellation came first (a value in flight when the subscriber
 * cancels counts as a success too: the call below did succeed).
 */
class CircuitCancellationTests {

	static final AtomicLong now = new AtomicLong(1_000_000_000L);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withBean(CircuitBreakerRegistry.class,
				() -> new CircuitBreakerRegistry(new CircuitBreakerProperties(), now::get))
		.withBean(Downstream.class);

	@Test
	void aCancelledTrialMonoRecordsOneIgnoredOutcomeAndGivesItsPlaceBack() {
		this.runner.run((context) -> {
			Downstream downstream = context.getBean(Downstream.class);
			Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("mono-trial");
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> downstream.mono(Mono.error(new IllegalStateException("down"))).block())
				.withMessage("down");
			assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
			now.addAndGet(Duration.ofSeconds(10).toNanos());
			Disposable trial = downstream.mono(Sinks.<String>one().asMono()).subscribe();
			assertThat(circuit.state()).isEqualTo(CircuitState.HALF_OPEN);
			assertThatExceptionOfType(CircuitOpenException.class)
				.isThrownBy(() -> downstream.mono(Mono.just("no place")).block());
			trial.dispose();
			assertThat(circuit.ignoredCount()).isEqualTo(1);
			assertThat(circuit.state()).isEqualTo(CircuitState.HALF_OPEN);
			assertThat(downstream.mono(Mono.just("ok")).block()).isEqualTo("ok");
			assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
			assertThat(circuit.successCount()).isEqualTo(1);
			assertThat(circuit.failureCount()).isEqualTo(1);
			assertThat(circuit.ignoredCount()).isEqualTo(1);
			assertThat(circuit.notPermittedCount()).isEqualTo(1);
		});
	}

	@Test
	void aCancelledTrialStageRecordsOneIgnoredOutcomeAndGivesItsPlaceBack() {
		this.runner.run((context) -> {
			Downstream downstream = context.getBean(Downstream.class);
			Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("stage-trial");
			assertThat(downstream.stage(CompletableFuture.failedFuture(new IOException("down"))))
				.isCompletedExceptionally();
			assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
			now.addAndGet(Duration.ofSeconds(10).toNanos());
			CompletableFuture<String> trial = downstream.stage(new CompletableFuture<>());
			assertThat(circuit.state()).isEqualTo(CircuitState.HALF_OPEN);
			assertThat(downstream.stage(CompletableFuture.completedFuture("no place"))).failsWithin(Duration.ZERO)
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(CircuitOpenException.class);
			assertThat(trial.cancel(true)).isTrue();
			assertThat(circuit.ignoredCount()).isEqualTo(1);
			assertThat(circuit.state()).isEqualTo(CircuitState.HALF_OPEN);
			assertThat(downstream.stage(CompletableFuture.completedFuture("ok"))).isCompletedWithValue("ok");
			assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
			assertThat(circuit.successCount()).isEqualTo(1);
			assertThat(circuit.ignoredCount()).isEqualTo(1);
		});
	}

	@Test
	void aMonoTrialThatSucceededClosedTheBreakerBeforeItsSubscriberSeesTheValue() {
		this.runner.run((context) -> {
			Downstream downstream = context.getBean(Downstream.class);
			Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("mono-trial");
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> downstream.mono(Mono.error(new IllegalStateException("down"))).block());
			now.addAndGet(Duration.ofSeconds(10).toNanos());
			AtomicInteger stateSeen = new AtomicInteger(-1);
			String value = downstream.mono(Mono.just("ok"))
				.doOnNext((item) -> stateSeen.set(circuit.state().ordinal()))
				.block();
			assertThat(value).isEqualTo("ok");
			assertThat(stateSeen.get()).isEqualTo(CircuitState.CLOSED.ordinal());
		});
	}

	@Test
	void monosAndStagesWhoseCancellationRacesTheirCompletionHaveExactlyOneOutcomeEach() throws Exception {
		this.runner.run((context) -> {
			Downstream downstream = context.getBean(Downstream.class);
			Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("race");
			int calls = 2_000;
			AtomicInteger valuesSeen = new AtomicInteger();
			AtomicInteger cancelled = new AtomicInteger();
			for (int i = 0; i < calls; i++) {
				CyclicBarrier both = new CyclicBarrier(2);
				if (i % 2 == 0) {
					Sinks.One<String> result = Sinks.one();
					Disposable subscription = downstream.race(result.asMono())
						.subscribe((value) -> valuesSeen.incrementAndGet());
					CompletableFuture<?> completer = CompletableFuture.runAsync(() -> {
						await(both);
						result.tryEmitValue("v");
					});
					await(both);
					subscription.dispose();
					completer.get(10, TimeUnit.SECONDS);
				}
				else {
					CompletableFuture<String> completed = new CompletableFuture<>();
					CompletableFuture<String> result = downstream.raceStage(completed);
					CompletableFuture<?> completer = CompletableFuture.runAsync(() -> {
						await(both);
						completed.complete("v");
					});
					await(both);
					if (result.cancel(true)) {
						cancelled.incrementAndGet();
					}
					completer.get(10, TimeUnit.SECONDS);
					if (!result.isCancelled()) {
						valuesSeen.incrementAndGet();
					}
				}
			}
			assertThat(circuit.successCount() + circuit.ignoredCount()).isEqualTo(calls);
			// a value in flight when the subscriber cancels still counts as a success
			assertThat(circuit.successCount()).as("a caller that got its value saw a success")
				.isGreaterThanOrEqualTo(valuesSeen.get());
			assertThat(circuit.ignoredCount()).as("a stage cancelled before it completed counts neither way")
				.isGreaterThanOrEqualTo(cancelled.get());
			assertThat(circuit.failureCount() + circuit.slowCount() + circuit.notPermittedCount()).isZero();
			assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
		});
	}

	private static void await(CyclicBarrier barrier) {
		try {
			barrier.await(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	static class Downstream {

		@CircuitBreaker(name = "mono-trial", minimumCalls = 1, windowCalls = 1, waitInOpen = "10s", halfOpenCalls = 1)
		public Mono<String> mono(Mono<String> result) {
			return result;
		}

		@CircuitBreaker(name = "stage-trial", minimumCalls = 1, windowCalls = 1, waitInOpen = "10s", halfOpenCalls = 1)
		public CompletableFuture<String> stage(CompletableFuture<String> result) {
			return result;
		}

		@CircuitBreaker(name = "race")
		public Mono<String> race(Mono<String> result) {
			return result;
		}

		@CircuitBreaker(name = "race")
		public CompletableFuture<String> raceStage(CompletableFuture<String> result) {
			return result;
		}

	}

}
