package dev.asyncutils.circuitbreaker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

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

/**
 * Half-open under a storm of plain, {@code CompletionStage}, {@code Mono} and
 * {@code Flux} trial calls from several threads, each ended at random by a cancellation
 * or an ignored failure: never more than half-open-calls trials in flight, every admitted
 * call records exactly one ignored outcome and gives its place back, every rejected one
 * is counted once, and the breaker is never left half-open with no place for a trial: the
 * last trials close it.
 */
class CircuitHalfOpenStormTests {

	static final AtomicLong now = new AtomicLong(1_000_000_000L);

	static final int TRIALS = 3;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withBean(CircuitBreakerRegistry.class,
				() -> new CircuitBreakerRegistry(new CircuitBreakerProperties(), now::get))
		.withBean(Trial.class);

	@Test
	void mixedTrialsNeverExceedHalfOpenCallsAndAllGiveTheirPlaceBack() {
		this.runner.run((context) -> {
			Trial trial = context.getBean(Trial.class);
			Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("storm");
			try {
				trial.plain(new IOException("down"));
			}
			catch (IOException expected) {
				// opens the breaker
			}
			assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
			now.addAndGet(Duration.ofSeconds(10).toNanos());
			int threads = 6;
			long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
			LongAdder rejected = new LongAdder();
			LongAdder admittedSeen = new LongAdder();
			ConcurrentLinkedQueue<Runnable> enders = new ConcurrentLinkedQueue<>();
			ExecutorService executor = Executors.newFixedThreadPool(threads + 1);
			try {
				List<CompletableFuture<?>> workers = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					workers.add(CompletableFuture.runAsync(() -> {
						ThreadLocalRandom random = ThreadLocalRandom.current();
						while (System.nanoTime() < end) {
							Runnable ender = start(trial, random.nextInt(4), random.nextBoolean(), rejected,
									admittedSeen);
							if (ender != null) {
								enders.add(ender);
							}
						}
					}, executor));
				}
				CompletableFuture<?> started = CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new));
				// ends trials in flight at random moments, on another thread
				CompletableFuture<?> ending = CompletableFuture.runAsync(() -> {
					while (!started.isDone() || !enders.isEmpty()) {
						Runnable ender = enders.poll();
						if (ender != null) {
							ender.run();
						}
						else {
							Thread.onSpinWait();
						}
					}
				}, executor);
				started.get(20, TimeUnit.SECONDS);
				ending.get(20, TimeUnit.SECONDS);
			}
			finally {
				executor.shutdownNow();
			}
			assertThat(Trial.maxInFlight.get()).as("trial calls in flight at once").isLessThanOrEqualTo(TRIALS);
			assertThat(Trial.inFlight.get()).isZero();
			assertThat(admittedSeen.sum()).as("the storm admitted trials").isGreaterThan(TRIALS);
			assertThat(circuit.state()).isEqualTo(CircuitState.HALF_OPEN);
			assertThat(circuit.ignoredCount()).as("one ignored outcome per admitted call")
				.isEqualTo(Trial.entered.get() - 1);
			assertThat(circuit.notPermittedCount()).isEqualTo(rejected.sum());
			assertThat(circuit.successCount() + circuit.slowCount()).isZero();
			assertThat(circuit.failureCount()).isEqualTo(1);
			// every place came back: the configured number of trials close the breaker
			for (int i = 0; i < TRIALS; i++) {
				assertThat(trial.mono(Mono.just("ok")).block(Duration.ofSeconds(5))).isEqualTo("ok");
			}
			assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
		});
	}

	/**
	 * Start one trial call of a kind; return what ends it, or {@code null} if it ended
	 * already (rejected, or a plain call).
	 */
	private static Runnable start(Trial trial, int kind, boolean cancel, LongAdder rejected, LongAdder admitted) {
		switch (kind) {
			case 0 -> {
				try {
					trial.plain(new IllegalArgumentException("ignored"));
					throw new AssertionError("not reached");
				}
				catch (CircuitOpenException ex) {
					rejected.increment();
				}
				catch (IllegalArgumentException ex) {
					admitted.increment();
				}
				catch (IOException ex) {
					throw new AssertionError(ex);
				}
				return null;
			}
			case 1 -> {
				CompletableFuture<String> result = new CompletableFuture<>();
				CompletableFuture<String> seen = trial.stage(result);
				if (seen.isCompletedExceptionally() && !result.isDone()) {
					rejected.increment();
					assertThat(seen).isCompletedExceptionally()
						.failsWithin(Duration.ZERO)
						.withThrowableOfType(java.util.concurrent.ExecutionException.class)
						.withCauseInstanceOf(CircuitOpenException.class);
					return null;
				}
				admitted.increment();
				// leaves before the call ends: the breaker gives the place back after
				return cancel ? () -> {
					Trial.leave();
					seen.cancel(true);
				} : () -> {
					Trial.leave();
					result.completeExceptionally(new IllegalArgumentException("ignored"));
				};
			}
			case 2 -> {
				Sinks.One<String> result = Sinks.one();
				AtomicInteger outcome = new AtomicInteger();
				var subscription = trial.mono(result.asMono())
					.doOnError(CircuitOpenException.class, (ex) -> outcome.set(1))
					.subscribe((value) -> {
					}, (failure) -> {
					});
				if (outcome.get() == 1) {
					rejected.increment();
					return null;
				}
				admitted.increment();
				return cancel ? () -> {
					Trial.leave();
					subscription.dispose();
				} : () -> {
					Trial.leave();
					result.tryEmitError(new IllegalArgumentException("ignored"));
				};
			}
			default -> {
				Sinks.Many<String> result = Sinks.many().unicast().onBackpressureBuffer();
				AtomicInteger outcome = new AtomicInteger();
				AtomicInteger items = new AtomicInteger();
				var subscription = trial.flux(result.asFlux())
					.doOnError(CircuitOpenException.class, (ex) -> outcome.set(1))
					.subscribe((value) -> items.incrementAndGet(), (failure) -> {
					});
				if (outcome.get() == 1) {
					rejected.increment();
					return null;
				}
				admitted.increment();
				result.tryEmitNext("a");
				return cancel ? () -> {
					Trial.leave();
					subscription.dispose();
				} : () -> {
					Trial.leave();
					result.tryEmitError(new IllegalArgumentException("ignored"));
				};
			}
		}
	}

	static class Trial {

		static final AtomicInteger entered = new AtomicInteger();

		static final AtomicInteger inFlight = new AtomicInteger();

		static final AtomicInteger maxInFlight = new AtomicInteger();

		static void enter() {
			entered.incrementAndGet();
			maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
		}

		static void leave() {
			inFlight.decrementAndGet();
		}

		@CircuitBreaker(name = "storm", minimumCalls = 1, windowCalls = 1, waitInOpen = "10s", halfOpenCalls = TRIALS,
				ignoreOn = IllegalArgumentException.class)
		public String plain(Exception failure) throws IOException {
			enter();
			try {
				if (failure instanceof IOException io) {
					throw io;
				}
				throw (RuntimeException) failure;
			}
			finally {
				leave();
			}
		}

		@CircuitBreaker(name = "storm", minimumCalls = 1, windowCalls = 1, waitInOpen = "10s", halfOpenCalls = TRIALS,
				ignoreOn = IllegalArgumentException.class)
		public CompletableFuture<String> stage(CompletableFuture<String> result) {
			enter();
			return result;
		}

		@CircuitBreaker(name = "storm", minimumCalls = 1, windowCalls = 1, waitInOpen = "10s", halfOpenCalls = TRIALS,
				ignoreOn = IllegalArgumentException.class)
		public Mono<String> mono(Mono<String> result) {
			return Mono.defer(() -> {
				enter();
				return result;
			});
		}

		@CircuitBreaker(name = "storm", minimumCalls = 1, windowCalls = 1, waitInOpen = "10s", halfOpenCalls = TRIALS,
				ignoreOn = IllegalArgumentException.class)
		public Flux<String> flux(Flux<String> result) {
			return Flux.defer(() -> {
				enter();
				return result;
			});
		}

	}

}
