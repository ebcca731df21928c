package dev.asyncutils.batch;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;

import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.batch.BatchTestSupport.ManualStages;
import dev.asyncutils.batch.BatchTestSupport.TestProcessor;

import static dev.asyncutils.batch.BatchTestSupport.awaitUntil;
import static dev.asyncutils.batch.BatchTestSupport.items;
import static dev.asyncutils.batch.BatchTestSupport.millisSince;
import static dev.asyncutils.batch.BatchTestSupport.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Cancelling {@code processAsync}'s future, interrupting the thread in {@code process},
 * and closing the application while runs are in flight.
 */
class BatchCancellationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(TaskExecutionAutoConfiguration.class, AsyncUtilsAutoConfiguration.class));

	@Test
	void cancellingProcessAsyncStopsStartingItemsAndCancelsThoseInFlight() throws Exception {
		ManualStages stages = new ManualStages();
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(5).maxConcurrent(2))) {
			CompletableFuture<BatchResult<Integer, Integer>> future = test.processor.processAsync(items(30),
					stages::create);
			awaitUntil(() -> stages.created() == 10);
			stages.succeed(0);
			assertThat(future.cancel(true)).isTrue();
			assertThat(future).isCancelled();
			for (int item = 1; item < 10; item++) {
				assertThat(stages.last(item)).as("item %d", item).isCancelled();
			}
			assertThat(stages.last(0)).isCompleted().isNotCancelled();
			sleep(200);
			assertThat(stages.created()).isEqualTo(10);
		}
	}

	@Test
	void cancellingProcessAsyncStopsPendingRetries() throws Exception {
		AtomicInteger calls = new AtomicInteger();
		try (TestProcessor test = TestProcessor
			.cached((options) -> options.batchSize(4).maxAttempts(3).retryDelay(Duration.ofMillis(200)))) {
			CompletableFuture<BatchResult<Integer, Integer>> future = test.processor.processAsync(items(8), (item) -> {
				calls.incrementAndGet();
				return CompletableFuture.failedFuture(new IllegalStateException("retry me"));
			});
			awaitUntil(() -> calls.get() == 8);
			assertThat(future.cancel(false)).isTrue();
			sleep(600);
			assertThat(calls.get()).isEqualTo(8);
			assertThat(test.scheduler.getQueue()).isEmpty();
		}
	}

	@Test
	void interruptingTheCallerOfProcessReturnsPromptlyWithCancelledOutcomes() throws Exception {
		AtomicInteger entered = new AtomicInteger();
		AtomicInteger interruptedItems = new AtomicInteger();
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(5).maxConcurrent(2))) {
			AtomicReference<BatchResult<Integer, Integer>> result = new AtomicReference<>();
			AtomicBoolean flagAfterReturn = new AtomicBoolean();
			AtomicLong returnedAfter = new AtomicLong();
			AtomicLong interruptedAt = new AtomicLong();
			Thread caller = new Thread(() -> {
				result.set(test.processor.process(items(30), (item) -> {
					entered.incrementAndGet();
					try {
						Thread.sleep(10_000);
					}
					catch (InterruptedException ex) {
						interruptedItems.incrementAndGet();
						throw ex;
					}
					return item;
				}));
				returnedAfter.set(System.nanoTime() - interruptedAt.get());
				flagAfterReturn.set(Thread.currentThread().isInterrupted());
			});
			caller.start();
			awaitUntil(() -> entered.get() == 10);
			interruptedAt.set(System.nanoTime());
			caller.interrupt();
			caller.join(10_000);
			assertThat(caller.isAlive()).isFalse();
			assertThat(TimeUnit.NANOSECONDS.toMillis(returnedAfter.get())).isLessThan(2_000);
			assertThat(flagAfterReturn.get()).isTrue();
			List<ItemOutcome<Integer, Integer>> outcomes = result.get().outcomes();
			assertThat(outcomes).hasSize(30);
			assertThat(result.get().failed()).isEqualTo(30);
			for (ItemOutcome<Integer, Integer> outcome : outcomes) {
				assertThat(outcome.index()).isEqualTo((long) outcome.item());
				assertThat(outcome.error()).as("item %d", outcome.item()).isInstanceOf(CancellationException.class);
				assertThat(outcome.attempts()).as("item %d", outcome.item()).isEqualTo((outcome.item() < 10) ? 1 : 0);
			}
			awaitUntil(() -> interruptedItems.get() == 10);
			assertThat(entered.get()).isEqualTo(10);
		}
	}

	@Test
	void interruptingTheCallerCancelsABatchWaitingForItsDelay() throws Exception {
		AtomicInteger entered = new AtomicInteger();
		try (TestProcessor test = TestProcessor
			.cached((options) -> options.batchSize(3).maxConcurrent(2).delayBetweenBatches(Duration.ofSeconds(10)))) {
			AtomicReference<BatchResult<Integer, Integer>> result = new AtomicReference<>();
			Thread caller = new Thread(() -> result.set(test.processor.process(items(9), (item) -> {
				entered.incrementAndGet();
				return item;
			})));
			long start = System.nanoTime();
			caller.start();
			awaitUntil(() -> entered.get() == 3);
			sleep(100);
			caller.interrupt();
			caller.join(5_000);
			assertThat(caller.isAlive()).isFalse();
			assertThat(millisSince(start)).isLessThan(5_000);
			assertThat(result.get().succeeded()).isEqualTo(3);
			assertThat(result.get().outcomes().subList(3, 9)).allSatisfy((outcome) -> {
				assertThat(outcome.error()).isInstanceOf(CancellationException.class);
				assertThat(outcome.attempts()).isZero();
			});
			sleep(100);
			assertThat(entered.get()).isEqualTo(3);
		}
	}

	@Test
	void shutdownLetsARunFinishWithinTheTimeout() {
		this.runner
			.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=5s", "async-utils.batch.batch-size=2",
					"async-utils.batch.max-concurrent=1")
			.run((context) -> {
				BatchProcessor processor = context.getBean(BatchProcessor.class);
				CountDownLatch firstStarted = new CountDownLatch(1);
				CompletableFuture<BatchResult<Integer, Integer>> run = new CompletableFuture<>();
				Thread caller = new Thread(() -> {
					try {
						run.complete(processor.process(items(6), (item) -> {
							firstStarted.countDown();
							Thread.sleep(100);
							return item;
						}));
					}
					catch (Throwable ex) {
						run.completeExceptionally(ex);
					}
				});
				caller.start();
				assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
				long closing = System.nanoTime();
				context.close();
				long closeMillis = millisSince(closing);
				// the run ended before the close returned; its caller's thread hands the
				// result over a moment later
				BatchResult<Integer, Integer> result = run.get(5, TimeUnit.SECONDS);
				assertThat(result.allSucceeded()).isTrue();
				assertThat(result.values()).containsExactlyElementsOf(items(6));
				assertThat(closeMillis).isGreaterThanOrEqualTo(150).isLessThan(5_000);
			});
	}

	@Test
	void shutdownCancelsARunStillInFlightAfterTheTimeout() {
		this.runner.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=1s").run((context) -> {
			// a copy made with with(...) is stopped at shutdown too
			BatchProcessor processor = context.getBean(BatchProcessor.class)
				.with((options) -> options.batchSize(4).maxConcurrent(1));
			AtomicInteger entered = new AtomicInteger();
			AtomicInteger interrupted = new AtomicInteger();
			CompletableFuture<BatchResult<Integer, Integer>> run = new CompletableFuture<>();
			Thread caller = new Thread(() -> {
				try {
					run.complete(processor.process(items(12), (item) -> {
						entered.incrementAndGet();
						try {
							Thread.sleep(30_000);
						}
						catch (InterruptedException ex) {
							interrupted.incrementAndGet();
							throw ex;
						}
						return item;
					}));
				}
				catch (Throwable ex) {
					run.completeExceptionally(ex);
				}
			});
			caller.start();
			awaitUntil(() -> entered.get() == 4);
			long closing = System.nanoTime();
			Thread closer = new Thread(context::close);
			closer.start();
			BatchResult<Integer, Integer> result = run.get(10, TimeUnit.SECONDS);
			long returnedMillis = millisSince(closing);
			closer.join(10_000);
			assertThat(closer.isAlive()).isFalse();
			assertThat(returnedMillis).isGreaterThanOrEqualTo(1_000).isLessThan(10_000);
			assertThat(result.failed()).isEqualTo(12);
			for (ItemOutcome<Integer, Integer> outcome : result.outcomes()) {
				assertThat(outcome.error()).isInstanceOf(CancellationException.class);
				assertThat(outcome.attempts()).isEqualTo((outcome.item() < 4) ? 1 : 0);
			}
			assertThat(entered.get()).isEqualTo(4);
			awaitUntil(() -> interrupted.get() == 4);
		});
	}

	@Test
	void aProcessorThatWasShutDownRefusesNewRuns() throws Exception {
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(2))) {
			test.processor.onApplicationEvent(new ContextClosedEvent(new GenericApplicationContext()));
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> test.processor.process(items(3), (item) -> item));
			CompletableFuture<BatchResult<Integer, Integer>> future = test.processor.processAsync(items(3),
					CompletableFuture::completedFuture);
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(5, TimeUnit.SECONDS))
				.withCauseExactlyInstanceOf(IllegalStateException.class);
		}
	}

}
