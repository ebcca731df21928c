package dev.asyncutils.circuitbreaker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.CircuitOpenException;
import dev.asyncutils.CircuitState;
import dev.asyncutils.annotation.CircuitBreaker;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The breaker under concurrency, in a Spring context: exactly half-open-calls trial calls
 * among 16 racing threads, and thousands of calls racing the transitions, each with
 * exactly one recorded outcome, the one its caller saw.
 */
class CircuitConcurrencyTests {

	static final AtomicLong now = new AtomicLong(1_000_000_000L);

	private final Blocking blockingTarget = new Blocking();

	private final Flaky flakyTarget = new Flaky();

	@Test
	void exactlyHalfOpenCallsTrialCallsAmongSixteenThreads() throws Exception {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
			.withBean(CircuitBreakerRegistry.class,
					() -> new CircuitBreakerRegistry(new CircuitBreakerProperties(), now::get))
			.withBean(Blocking.class, () -> this.blockingTarget)
			.run((context) -> {
				Blocking blocking = context.getBean(Blocking.class);
				Blocking target = this.blockingTarget;
				Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("trial");
				target.release.countDown();
				target.fail = true;
				try {
					blocking.call();
				}
				catch (IOException expected) {
					// opens the breaker
				}
				assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
				target.fail = false;
				target.release = new CountDownLatch(1);
				now.addAndGet(Duration.ofSeconds(10).toNanos());
				int threads = 16;
				CyclicBarrier start = new CyclicBarrier(threads);
				AtomicInteger rejected = new AtomicInteger();
				ExecutorService executor = Executors.newFixedThreadPool(threads);
				try {
					List<Future<?>> calls = new ArrayList<>();
					for (int i = 0; i < threads; i++) {
						calls.add(executor.submit(() -> {
							start.await();
							try {
								return blocking.call();
							}
							catch (CircuitOpenException ex) {
								rejected.incrementAndGet();
								return null;
							}
						}));
					}
					long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
					while (rejected.get() < threads - 3 && System.nanoTime() < deadline) {
						Thread.sleep(1);
					}
					assertThat(rejected.get()).isEqualTo(threads - 3);
					assertThat(target.entered.get()).isEqualTo(1 + 3);
					assertThat(circuit.state()).isEqualTo(CircuitState.HALF_OPEN);
					target.release.countDown();
					for (Future<?> call : calls) {
						call.get(10, TimeUnit.SECONDS);
					}
					assertThat(circuit.state()).isEqualTo(CircuitState.CLOSED);
					assertThat(circuit.notPermittedCount()).isEqualTo(threads - 3);
					assertThat(circuit.successCount()).isEqualTo(3);
				}
				finally {
					executor.shutdownNow();
				}
			});
	}

	@Test
	void everyCallOfAStressRacingTheTransitionsHasExactlyOneOutcome() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
			.withBean(Flaky.class, () -> this.flakyTarget)
			.run((context) -> {
				Flaky flaky = context.getBean(Flaky.class);
				Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("stress");
				int threads = 8;
				int callsPerThread = 4_000;
				LongAdder succeeded = new LongAdder();
				LongAdder failed = new LongAdder();
				LongAdder rejected = new LongAdder();
				ExecutorService executor = Executors.newFixedThreadPool(threads);
				ExecutorService completer = Executors.newFixedThreadPool(2);
				try {
					List<CompletableFuture<?>> all = new ArrayList<>();
					for (int t = 0; t < threads; t++) {
						boolean async = (t % 2 == 0);
						all.add(CompletableFuture.runAsync(() -> {
							for (int i = 0; i < callsPerThread; i++) {
								boolean fail = ThreadLocalRandom.current().nextInt(100) < 40;
								if (async) {
									CompletableFuture<String> result = new CompletableFuture<>();
									CompletableFuture<String> seen = flaky.stage(result);
									completer.execute(() -> {
										if (fail) {
											result.completeExceptionally(new IOException("down"));
										}
										else {
											result.complete("ok");
										}
									});
									seen.handle((value, failure) -> {
										tally(failure, succeeded, failed, rejected);
										return null;
									}).join();
								}
								else {
									try {
										flaky.plain(fail);
										succeeded.increment();
									}
									catch (Throwable failure) {
										tally(failure, succeeded, failed, rejected);
									}
								}
							}
						}, executor));
					}
					CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
				}
				finally {
					executor.shutdownNow();
					completer.shutdownNow();
				}
				long total = (long) threads * callsPerThread;
				assertThat(succeeded.sum() + failed.sum() + rejected.sum()).isEqualTo(total);
				assertThat(circuit.successCount()).isEqualTo(succeeded.sum());
				assertThat(circuit.failureCount()).isEqualTo(failed.sum());
				assertThat(circuit.notPermittedCount()).isEqualTo(rejected.sum());
				assertThat(circuit.slowCount() + circuit.ignoredCount()).isZero();
				assertThat(circuit.transitionCount()).as("the calls raced transitions").isGreaterThan(10);
				assertThat(this.flakyTarget.invocations.get()).isEqualTo(succeeded.sum() + failed.sum());
			});
	}

	private static void tally(Throwable failure, LongAdder succeeded, LongAdder failed, LongAdder rejected) {
		if (failure == null) {
			succeeded.increment();
			return;
		}
		Throwable cause = (failure.getCause() != null && !(failure instanceof IOException)
				&& !(failure instanceof CircuitOpenException)) ? failure.getCause() : failure;
		if (cause instanceof CircuitOpenException) {
			rejected.increment();
		}
		else if (cause instanceof IOException) {
			failed.increment();
		}
		else {
			throw new AssertionError("unexpected outcome", failure);
		}
	}

	static class Blocking {

		final AtomicInteger entered = new AtomicInteger();

		volatile CountDownLatch release = new CountDownLatch(1);

		volatile boolean fail;

		@CircuitBreaker(name = "trial", minimumCalls = 1, windowCalls = 1, waitInOpen = "10s", halfOpenCalls = 3)
		public String call() throws IOException, InterruptedException {
			this.entered.incrementAndGet();
			if (this.fail) {
				throw new IOException("down");
			}
			this.release.await();
			return "ok";
		}

	}

	static class Flaky {

		final AtomicInteger invocations = new AtomicInteger();

		@CircuitBreaker(name = "stress", minimumCalls = 5, windowCalls = 10, waitInOpen = "1ms", halfOpenCalls = 2)
		public String plain(boolean fail) throws IOException {
			this.invocations.incrementAndGet();
			if (fail) {
				throw new IOException("down");
			}
			return "ok";
		}

		@CircuitBreaker(name = "stress", minimumCalls = 5, windowCalls = 10, waitInOpen = "1ms", halfOpenCalls = 2)
		public CompletableFuture<String> stage(CompletableFuture<String> result) {
			this.invocations.incrementAndGet();
			return result;
		}

	}

}
