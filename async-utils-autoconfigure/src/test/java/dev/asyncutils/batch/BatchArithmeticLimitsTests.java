package dev.asyncutils.batch;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.batch.BatchTestSupport.TestProcessor;

import static dev.asyncutils.batch.BatchTestSupport.awaitUntil;
import static dev.asyncutils.batch.BatchTestSupport.items;
import static dev.asyncutils.batch.BatchTestSupport.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Limits of the arithmetic (contract section 7): durations whose nanoseconds do not fit
 * in a {@code long} are refused at the builder and at startup naming the value; the
 * largest accepted ones run without overflow; and a failure while a run starts its items
 * (a broken executor or scheduler, a deep chain of immediate retries) never leaves an
 * item without its outcome or the run unfinished.
 */
class BatchArithmeticLimitsTests {

	/** The largest duration whose nanoseconds fit in a long: about 292 years. */
	private static final Duration LARGEST = Duration.ofNanos(Long.MAX_VALUE);

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(TaskExecutionAutoConfiguration.class, AsyncUtilsAutoConfiguration.class));

	@Test
	void builderRefusesDurationsBeyondTheNanosecondRangeNamingTheValue() {
		for (Duration tooLong : List.of(LARGEST.plusNanos(1), Duration.ofDays(110_000),
				Duration.ofSeconds(Long.MAX_VALUE))) {
			assertRefused((builder) -> builder.retryDelay(tooLong), "retryDelay", tooLong);
			assertRefused((builder) -> builder.delayBetweenBatches(tooLong), "delayBetweenBatches", tooLong);
			assertRefused((builder) -> builder.itemTimeout(tooLong), "itemTimeout", tooLong);
		}
		BatchOptions largest = BatchOptions.builder()
			.retryDelay(LARGEST)
			.delayBetweenBatches(LARGEST)
			.itemTimeout(LARGEST)
			.build();
		assertThat(largest.retryDelay()).isEqualTo(LARGEST);
		assertThat(largest.delayBetweenBatches()).isEqualTo(LARGEST);
		assertThat(largest.itemTimeout()).isEqualTo(LARGEST);
	}

	private static void assertRefused(Consumer<BatchOptions.Builder> change, String option, Duration value) {
		assertThatIllegalArgumentException().isThrownBy(() -> change.accept(BatchOptions.builder()))
			.withMessageStartingWith("Invalid batch option " + option + " = " + value + ": ")
			.withMessageContaining("292 years");
	}

	@ParameterizedTest
	@CsvSource({ "retry-delay, 110000d", "delay-between-batches, 110000d", "item-timeout, 110000d",
			"item-timeout, 9223372036854775807s" })
	void propertiesBeyondTheNanosecondRangeFailStartupNamingPropertyAndValue(String property, String value) {
		this.runner.withPropertyValues("async-utils.batch." + property + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			InvalidConfigurationPropertyValueException invalid = null;
			for (Throwable current = context.getStartupFailure(); current != null; current = current.getCause()) {
				if (current instanceof InvalidConfigurationPropertyValueException found) {
					invalid = found;
				}
			}
			assertThat(invalid).as("cause of %s", context.getStartupFailure()).isNotNull();
			assertThat(invalid.getName()).isEqualTo("async-utils.batch." + property);
			assertThat(invalid.getMessage()).contains("292 years");
		});
	}

	@Test
	void largestAcceptedDurationsRunWithoutOverflowAndCancelCleanly() throws Exception {
		AtomicInteger calls = new AtomicInteger();
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(2)
			.maxConcurrent(2)
			.maxAttempts(3)
			.retryDelay(LARGEST)
			.retryMultiplier(Double.MAX_VALUE)
			.delayBetweenBatches(LARGEST)
			.itemTimeout(LARGEST))) {
			AtomicReference<BatchResult<Integer, Integer>> result = new AtomicReference<>();
			Thread caller = new Thread(() -> result.set(test.processor.process(items(4), (item) -> {
				calls.incrementAndGet();
				if (item == 1) {
					throw new IllegalStateException("retried in 292 years");
				}
				return item;
			})));
			caller.start();
			awaitUntil(() -> calls.get() == 2);
			// neither the retry of item 1 nor the second batch is due for 292 years
			sleep(300);
			assertThat(calls.get()).isEqualTo(2);
			assertThat(caller.isAlive()).isTrue();
			caller.interrupt();
			caller.join(10_000);
			assertThat(caller.isAlive()).isFalse();
			List<ItemOutcome<Integer, Integer>> outcomes = result.get().outcomes();
			assertThat(outcomes).extracting(ItemOutcome::item).containsExactly(0, 1, 2, 3);
			assertThat(outcomes.get(0).value()).isEqualTo(0);
			assertThat(outcomes.get(1).error()).isInstanceOf(CancellationException.class);
			assertThat(outcomes.get(1).attempts()).isEqualTo(1);
			assertThat(outcomes.subList(2, 4)).allSatisfy((outcome) -> {
				assertThat(outcome.error()).isInstanceOf(CancellationException.class);
				assertThat(outcome.attempts()).isZero();
			});
		}
	}

	@Test
	void anExecutorFailingToStartAnItemGivesThatItemItsFailureAndTheRunEnds() throws Exception {
		IllegalStateException broken = new IllegalStateException("executor broken");
		ExecutorService pool = Executors.newCachedThreadPool();
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
		AtomicInteger submissions = new AtomicInteger();
		try {
			// the third submission (item 2, started from the completion of batch 0 on a
			// worker thread) fails with something other than a rejection
			DefaultBatchProcessor processor = new DefaultBatchProcessor(
					BatchOptions.builder().batchSize(2).maxConcurrent(1).build(), (task) -> {
						if (submissions.incrementAndGet() == 3) {
							throw broken;
						}
						pool.execute(task);
					}, scheduler, BatchTestSupport.TIMER, Duration.ofSeconds(5));
			CompletableFuture<BatchResult<Integer, Integer>> run = CompletableFuture
				.supplyAsync(() -> processor.process(items(6), (item) -> item * 10));
			BatchResult<Integer, Integer> result = run.get(10, TimeUnit.SECONDS);
			assertThat(result.outcomes()).extracting(ItemOutcome::item).containsExactly(0, 1, 2, 3, 4, 5);
			assertThat(result.failed()).isEqualTo(1);
			assertThat(result.failures()).singleElement().satisfies((failure) -> {
				assertThat(failure.item()).isEqualTo(2);
				assertThat(failure.error()).isSameAs(broken);
				assertThat(failure.attempts()).isEqualTo(1);
			});
			assertThat(result.outcomes().get(5).value()).isEqualTo(50);
			awaitUntil(() -> processor.activeRuns().isEmpty());
		}
		finally {
			pool.shutdownNow();
			scheduler.shutdownNow();
		}
	}

	@Test
	void aSchedulerFailingToScheduleARetryEndsTheItemWithItsFailure() throws Exception {
		ExecutorService pool = Executors.newCachedThreadPool();
		AtomicBoolean broken = new AtomicBoolean();
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1) {

			@Override
			public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
				if (broken.get()) {
					throw new IllegalStateException("scheduler broken");
				}
				return super.schedule(command, delay, unit);
			}

		};
		try {
			DefaultBatchProcessor processor = new DefaultBatchProcessor(
					BatchOptions.builder().batchSize(4).maxAttempts(3).retryDelay(Duration.ofMillis(5)).build(), pool,
					scheduler, BatchTestSupport.TIMER, Duration.ofSeconds(5));
			broken.set(true);
			IllegalStateException failure = new IllegalStateException("item failed");
			BatchResult<Integer, Integer> async = processor
				.processAsync(items(4),
						(item) -> (item == 3) ? CompletableFuture.failedFuture(failure)
								: CompletableFuture.completedFuture(item))
				.get(10, TimeUnit.SECONDS);
			assertThat(async.failures()).singleElement().satisfies((outcome) -> {
				assertThat(outcome.item()).isEqualTo(3);
				assertThat(outcome.error()).isSameAs(failure);
				assertThat(outcome.error().getSuppressed()).extracting(Throwable::getMessage)
					.containsExactly("scheduler broken");
				assertThat(outcome.attempts()).isEqualTo(1);
			});
			BatchResult<Integer, Integer> blocking = CompletableFuture
				.supplyAsync(() -> processor.process(items(4), (item) -> {
					if (item == 3) {
						throw new IllegalStateException("blocking item failed");
					}
					return item;
				}))
				.get(10, TimeUnit.SECONDS);
			assertThat(blocking.failures()).singleElement().satisfies((outcome) -> {
				assertThat(outcome.item()).isEqualTo(3);
				assertThat(outcome.error()).hasMessage("blocking item failed");
				assertThat(outcome.attempts()).isEqualTo(1);
			});
			awaitUntil(() -> processor.activeRuns().isEmpty());
		}
		finally {
			pool.shutdownNow();
			scheduler.shutdownNow();
		}
	}

	@Test
	void manyImmediateRetriesOfAnAsynchronousItemNeverOverflowTheStack() throws Exception {
		AtomicInteger calls = new AtomicInteger();
		// one instance: the outcome does not carry 50,000 suppressed copies
		IllegalStateException again = new IllegalStateException("again");
		try (TestProcessor test = TestProcessor
			.cached((options) -> options.batchSize(1).maxAttempts(50_000).retryDelay(Duration.ZERO))) {
			BatchResult<Integer, Integer> result = test.processor.processAsync(items(1), (item) -> {
				calls.incrementAndGet();
				return CompletableFuture.<Integer>failedFuture(again);
			}).get(20, TimeUnit.SECONDS);
			assertThat(result.failures()).singleElement().satisfies((outcome) -> {
				assertThat(outcome.error()).isSameAs(again);
				assertThat(outcome.attempts()).isEqualTo(50_000);
			});
			assertThat(calls.get()).isEqualTo(50_000);
		}
	}

}
