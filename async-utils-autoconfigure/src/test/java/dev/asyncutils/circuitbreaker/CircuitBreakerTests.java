package dev.asyncutils.circuitbreaker;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
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
 * {@code @CircuitBreaker} on every return kind in a Spring context, on a hand-moved
 * clock: an open breaker fails at once without invoking the method (a stage fails, a
 * publisher fails on subscribe), asynchronous outcomes are recorded when they end, and a
 * cancelled call records nothing.
 */
class CircuitBreakerTests {

	static final AtomicLong now = new AtomicLong(1_000_000_000L);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withBean(CircuitBreakerRegistry.class,
				() -> new CircuitBreakerRegistry(new CircuitBreakerProperties(), now::get))
		.withBean(Downstream.class);

	@Test
	void plainMethodOpensFailsFastWithoutInvokingAndClosesAfterTrialCalls() {
		this.runner.run((context) -> {
			Downstream downstream = context.getBean(Downstream.class);
			Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("plain");
			downstream.down(true);
			for (int i = 0; i < 2; i++) {
				assertThatExceptionOfType(IOException.class).isThrownBy(downstream::plain);
			}
			assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
			now.addAndGet(Duration.ofSeconds(4).toNanos());
			assertThatExceptionOfType(CircuitOpenException.class).isThrownBy(downstream::plain)
				.satisfies((ex) -> assertThat(ex.name()).isEqualTo("plain"))
				.satisfies((ex) -> assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(6)));
			assertThat(downstream.invocations()).isEqualTo(2);
			downstream.down(false);
			now.addAndGet(Duration.ofSeconds(6).toNanos());
			assertThat(downstream.plain()).isEqualTo("ok");
			assertThat(circuit.state()).isEqualTo(CircuitState.HALF_OPEN);
			assertThat(downstream.plain()).isEqualTo("ok");
			assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
			assertThat(downstream.invocations()).isEqualTo(4);
		});
	}

	@Test
	void stageOutcomeIsRecordedWhenTheStageCompletesAndAnOpenBreakerReturnsAFailedStage() {
		this.runner.run((context) -> {
			Downstream downstream = context.getBean(Downstream.class);
			Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("stage");
			CompletableFuture<String> first = new CompletableFuture<>();
			CompletableFuture<String> second = new CompletableFuture<>();
			assertThat(downstream.stage(first)).isNotDone();
			downstream.stage(second);
			assertThat(circuit.callsInWindow()).isZero();
			first.completeExceptionally(new IOException("down"));
			assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
			second.completeExceptionally(new IOException("down"));
			assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
			CompletableFuture<String> rejected = downstream.stage(CompletableFuture.completedFuture("never"));
			assertThat(rejected).isCompletedExceptionally();
			assertThat(rejected).failsWithin(Duration.ZERO)
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(CircuitOpenException.class);
			assertThat(downstream.invocations()).isEqualTo(2);
		});
	}

	@Test
	void aCancelledStageRecordsNothing() {
		this.runner.run((context) -> {
			Downstream downstream = context.getBean(Downstream.class);
			Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("stage");
			for (int i = 0; i < 3; i++) {
				downstream.stage(new CompletableFuture<>()).cancel(true);
			}
			assertThat(circuit.callsInWindow()).isZero();
			assertThat(circuit.ignoredCount()).isEqualTo(3);
			assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
		});
	}

	@Test
	void monoIsAdmittedPerSubscriptionAndFailsOnSubscribeWhenOpen() {
		this.runner.run((context) -> {
			Downstream downstream = context.getBean(Downstream.class);
			Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("reactive");
			Mono<String> failing = downstream.mono(Mono.error(new IllegalStateException("down")));
			assertThat(downstream.invocations()).as("lazy: nothing before subscribe").isZero();
			for (int i = 0; i < 2; i++) {
				assertThatExceptionOfType(IllegalStateException.class).isThrownBy(failing::block);
			}
			assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
			Mono<String> rejected = downstream.mono(Mono.just("never"));
			assertThat(downstream.invocations()).isEqualTo(2);
			assertThatExceptionOfType(CircuitOpenException.class).isThrownBy(rejected::block);
			assertThat(downstream.invocations()).as("an open breaker invokes nothing").isEqualTo(2);
			assertThat(circuit.notPermittedCount()).isEqualTo(1);
		});
	}

	@Test
	void fluxOutcomeIsRecordedWhenItTerminatesAndACancelledSubscriptionRecordsNothing() {
		this.runner.run((context) -> {
			Downstream downstream = context.getBean(Downstream.class);
			Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("flux");
			Sinks.Many<String> sink = Sinks.many().unicast().onBackpressureBuffer();
			Flux<String> flux = downstream.fluxAlone(sink.asFlux());
			var subscription = flux.subscribe((item) -> {
			}, (failure) -> {
			});
			sink.tryEmitNext("a");
			assertThat(circuit.callsInWindow()).isZero();
			sink.tryEmitError(new IOException("down"));
			assertThat(circuit.failureCount()).isEqualTo(1);
			subscription.dispose();
			assertThat(downstream.fluxAlone(Flux.just("a", "b", "c")).take(1).collectList().block())
				.containsExactly("a");
			assertThat(circuit.ignoredCount()).as("take(1) cancels: counts neither way").isEqualTo(1);
			assertThat(downstream.fluxAlone(Flux.just("a", "b")).collectList().block()).containsExactly("a", "b");
			assertThat(circuit.successCount()).isEqualTo(1);
			assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
			assertThat(circuit.callsInWindow()).isEqualTo(2);
		});
	}

	@Test
	void methodsSharingANameShareOneBreaker() {
		this.runner.run((context) -> {
			Downstream downstream = context.getBean(Downstream.class);
			assertThat(context.getBean(CircuitBreakerRegistry.class).all()).containsOnlyKeys("plain", "stage",
					"reactive", "flux");
			// mono and flux share "reactive": failures of one open the other
			Mono<String> failing = downstream.mono(Mono.error(new IllegalStateException("down")));
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(failing::block);
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> downstream.flux(Flux.error(new IllegalStateException("down"))).blockLast());
			assertThatExceptionOfType(CircuitOpenException.class)
				.isThrownBy(() -> downstream.flux(Flux.just("x")).blockLast());
		});
	}

	static class Downstream {

		private final AtomicInteger invocations = new AtomicInteger();

		private volatile boolean down;

		public int invocations() {
			return this.invocations.get();
		}

		public void down(boolean down) {
			this.down = down;
		}

		@CircuitBreaker(name = "plain", minimumCalls = 2, windowCalls = 2, waitInOpen = "10s", halfOpenCalls = 2)
		public String plain() throws IOException {
			this.invocations.incrementAndGet();
			if (this.down) {
				throw new IOException("down");
			}
			return "ok";
		}

		@CircuitBreaker(name = "stage", minimumCalls = 2, windowCalls = 2)
		public CompletableFuture<String> stage(CompletableFuture<String> result) {
			this.invocations.incrementAndGet();
			return result;
		}

		@CircuitBreaker(name = "reactive", minimumCalls = 2, windowCalls = 2)
		public Mono<String> mono(Mono<String> result) {
			this.invocations.incrementAndGet();
			return result;
		}

		@CircuitBreaker(name = "reactive", minimumCalls = 2, windowCalls = 2)
		public Flux<String> flux(Flux<String> result) {
			this.invocations.incrementAndGet();
			return result;
		}

		@CircuitBreaker(name = "flux", minimumCalls = 3, windowCalls = 3)
		public Flux<String> fluxAlone(Flux<String> result) {
			this.invocations.incrementAndGet();
			return result;
		}

	}

}
