package dev.asyncutils.core.admission;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.bounded.BoundedRegistry;
import dev.asyncutils.throttle.ThrottleRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing the context while calls wait for a throttle permit or a bounded slot ends every
 * one of them at once, whatever its return kind, with {@link RejectedExecutionException}
 * saying the application is shutting down; nothing is left pending.
 */
@Timeout(60)
class AdmissionShutdownTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withBean(Waiting.class);

	@Test
	void callsWaitingForAPermitEndAtCloseWithRejectedExecution() {
		List<CompletableFuture<?>> waiting = new ArrayList<>();
		this.runner.run((context) -> {
			Waiting bean = context.getBean(Waiting.class);
			// takes the only permit of the hour
			bean.throttledPlain();
			waiting.add(CompletableFuture.runAsync(bean::throttledPlain));
			waiting.add(bean.throttledStage());
			waiting.add(bean.throttledMono().toFuture());
			waiting.add(bean.throttledFlux().collectList().toFuture());
			ThrottleRegistry registry = context.getBean(ThrottleRegistry.class);
			awaitWaiting(() -> registry.get("hourly").waiting() >= 4);
			context.close();
		});
		assertShutDown(waiting);
	}

	@Test
	void callsWaitingForASlotEndAtCloseWithRejectedExecution() {
		List<CompletableFuture<?>> waiting = new ArrayList<>();
		CompletableFuture<String> release = new CompletableFuture<>();
		CompletableFuture<String> running = new CompletableFuture<>();
		this.runner.run((context) -> {
			Waiting bean = context.getBean(Waiting.class);
			// holds the only slot
			bean.holdSlot(release).whenComplete((value, failure) -> running.complete(value));
			waiting.add(CompletableFuture.runAsync(bean::boundedPlain));
			waiting.add(bean.boundedStage());
			waiting.add(bean.boundedMono().toFuture());
			waiting.add(bean.boundedFlux().collectList().toFuture());
			BoundedRegistry registry = context.getBean(BoundedRegistry.class);
			awaitWaiting(() -> registry.get("single").waiting() == 4);
			context.close();
		});
		assertShutDown(waiting);
		// the call running at close finishes with its own outcome
		release.complete("done");
		assertThat(running).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("done");
	}

	private static void awaitWaiting(java.util.function.BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(condition.getAsBoolean()).as("every caller waits").isTrue();
	}

	private static void assertShutDown(List<CompletableFuture<?>> waiting) {
		assertThat(waiting).hasSize(4);
		for (CompletableFuture<?> call : waiting) {
			assertThat(call).failsWithin(Duration.ofSeconds(5))
				.withThrowableThat()
				.havingRootCause()
				.isInstanceOf(RejectedExecutionException.class)
				.withMessageContaining("shutting down");
		}
	}

	static class Waiting {

		@Throttle(name = "hourly", rate = 1, per = "1h")
		public void throttledPlain() {
		}

		@Throttle(name = "hourly", rate = 1, per = "1h")
		public CompletableFuture<String> throttledStage() {
			return CompletableFuture.completedFuture("stage");
		}

		@Throttle(name = "hourly", rate = 1, per = "1h")
		public Mono<String> throttledMono() {
			return Mono.just("mono");
		}

		@Throttle(name = "hourly", rate = 1, per = "1h")
		public Flux<String> throttledFlux() {
			return Flux.just("flux");
		}

		@Bounded(name = "single", value = 1)
		public CompletableFuture<String> holdSlot(CompletableFuture<String> release) {
			return release;
		}

		@Bounded(name = "single", value = 1)
		public void boundedPlain() {
		}

		@Bounded(name = "single", value = 1)
		public CompletableFuture<String> boundedStage() {
			return CompletableFuture.completedFuture("stage");
		}

		@Bounded(name = "single", value = 1)
		public Mono<String> boundedMono() {
			return Mono.just("mono");
		}

		@Bounded(name = "single", value = 1)
		public Flux<String> boundedFlux() {
			return Flux.just("flux");
		}

	}

}
