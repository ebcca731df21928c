package dev.asyncutils.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.batch.BatchTestSupport.ManualStages;
import dev.asyncutils.batch.BatchTestSupport.TestProcessor;

import static dev.asyncutils.batch.BatchTestSupport.awaitUntil;
import static dev.asyncutils.batch.BatchTestSupport.items;
import static dev.asyncutils.batch.BatchTestSupport.sleep;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ceilings under load: at most {@code maxConcurrent} batches in flight (counted until
 * delivered), every item of a started batch running at once, {@code processAsync} holding
 * no thread, and the pause of {@code delayBetweenBatches}.
 */
class BatchConcurrencyTests {

	@Test
	void atMostMaxConcurrentBatchesRunAndAllTheirItemsRunAtOnce() throws Exception {
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(5).maxConcurrent(2))) {
			assertCeilings(test.processor);
		}
	}

	@Test
	void ceilingsHoldOnTheAutoConfiguredProcessor() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(TaskExecutionAutoConfiguration.class, AsyncUtilsAutoConfiguration.class))
			.withPropertyValues("spring.task.execution.pool.max-size=32", "spring.task.execution.pool.queue-capacity=0",
					"async-utils.batch.batch-size=5", "async-utils.batch.max-concurrent=2")
			.run((context) -> assertCeilings(context.getBean(BatchProcessor.class)));
	}

	@Test
	void oneBatchInFlightRunsExactlyItsItems() throws Exception {
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(7).maxConcurrent(1))) {
			Tracker tracker = new Tracker(7);
			CountDownLatch release = new CountDownLatch(1);
			CompletableFuture<BatchResult<Integer, Integer>> run = CompletableFuture
				.supplyAsync(() -> test.processor.process(items(30), (item) -> {
					tracker.enter(item);
					try {
						if (!release.await(10, TimeUnit.SECONDS)) {
							throw new IllegalStateException("never released");
						}
						return item;
					}
					finally {
						tracker.leave(item);
					}
				}));
			awaitUntil(() -> tracker.running.get() == 7);
			sleep(150);
			assertThat(tracker.started.get()).isEqualTo(7);
			release.countDown();
			assertThat(run.get(20, TimeUnit.SECONDS).values()).containsExactlyElementsOf(items(30));
			assertThat(tracker.maxRunning.get()).isEqualTo(7);
			assertThat(tracker.maxBatches.get()).isEqualTo(1);
		}
	}

	/**
	 * Batch size 5, two batches in flight: a latch holds the first items until exactly 10
	 * run at once; then 200 items run with short random work and the ceilings are never
	 * passed.
	 */
	private static void assertCeilings(BatchProcessor processor) throws Exception {
		assertThat(processor.options().batchSize()).isEqualTo(5);
		assertThat(processor.options().maxConcurrent()).isEqualTo(2);
		Tracker tracker = new Tracker(5);
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<BatchResult<Integer, Integer>> run = CompletableFuture
			.supplyAsync(() -> processor.process(items(200), (item) -> {
				tracker.enter(item);
				try {
					if (!release.await(10, TimeUnit.SECONDS)) {
						throw new IllegalStateException("never released");
					}
					Thread.sleep(ThreadLocalRandom.current().nextInt(3));
					return item;
				}
				finally {
					tracker.leave(item);
				}
			}));
		awaitUntil(() -> tracker.running.get() == 10);
		sleep(200);
		assertThat(tracker.running.get()).isEqualTo(10);
		assertThat(tracker.started.get()).isEqualTo(10);
		assertThat(tracker.runningBatches.keySet()).containsExactlyInAnyOrder(0, 1);
		release.countDown();
		BatchResult<Integer, Integer> result = run.get(20, TimeUnit.SECONDS);
		assertThat(result.values()).containsExactlyElementsOf(items(200));
		assertThat(tracker.maxRunning.get()).isEqualTo(10);
		assertThat(tracker.maxBatches.get()).isEqualTo(2);
		assertThat(tracker.started.get()).isEqualTo(200);
	}

	@Test
	void processAsyncStartsAtMostMaxConcurrentBatchesAndCountsThemUntilDelivered() throws Exception {
		ManualStages stages = new ManualStages();
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(5).maxConcurrent(2))) {
			CompletableFuture<BatchResult<Integer, Integer>> future = test.processor.processAsync(items(30),
					stages::create);
			awaitUntil(() -> stages.created() == 10);
			sleep(100);
			assertThat(stages.startedItems()).containsExactlyElementsOf(items(10));
			// batch 1 completes but waits for batch 0 to be delivered: still two in
			// flight
			for (int item = 5; item < 10; item++) {
				stages.succeed(item);
			}
			sleep(100);
			assertThat(stages.created()).isEqualTo(10);
			// four of batch 0's five: still not delivered
			for (int item = 0; item < 4; item++) {
				stages.succeed(item);
			}
			sleep(50);
			assertThat(stages.created()).isEqualTo(10);
			stages.succeed(4);
			awaitUntil(() -> stages.created() == 20);
			sleep(100);
			assertThat(stages.startedItems()).containsExactlyElementsOf(items(20));
			// batch 2 done: one slot frees, batch 4 starts with all five items at once
			for (int item = 10; item < 15; item++) {
				stages.succeed(item);
			}
			awaitUntil(() -> stages.created() == 25);
			sleep(50);
			assertThat(stages.startedItems()).containsExactlyElementsOf(items(25));
			for (int item = 15; item < 30; item++) {
				int current = item;
				awaitUntil(() -> stages.started(current));
				stages.succeed(item);
			}
			BatchResult<Integer, Integer> result = future.get(10, TimeUnit.SECONDS);
			assertThat(result.values())
				.containsExactlyElementsOf(IntStream.range(0, 30).map((i) -> i * 10).boxed().toList());
			assertThat(stages.created()).isEqualTo(30);
		}
	}

	@Test
	void processAsyncHoldsNoThreadWhileStagesArePending() throws Exception {
		ManualStages stages = new ManualStages();
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(100).maxConcurrent(10))) {
			int threadsBefore = Thread.activeCount();
			long start = System.nanoTime();
			CompletableFuture<BatchResult<Integer, Integer>> future = test.processor.processAsync(items(1000),
					stages::create);
			long callMillis = BatchTestSupport.millisSince(start);
			assertThat(callMillis).isLessThan(2_000);
			awaitUntil(() -> stages.created() == 1000);
			awaitUntil(() -> test.workers.getActiveCount() == 0);
			sleep(100);
			assertThat(future).isNotDone();
			assertThat(test.workers.getActiveCount()).isZero();
			assertThat(test.workers.getPoolSize()).isLessThanOrEqualTo(1);
			assertThat(test.workers.getCompletedTaskCount()).isEqualTo(1);
			assertThat(Thread.activeCount() - threadsBefore).isLessThanOrEqualTo(3);
			for (int item = 0; item < 1000; item++) {
				stages.succeed(item);
			}
			BatchResult<Integer, Integer> result = future.get(10, TimeUnit.SECONDS);
			assertThat(result.succeeded()).isEqualTo(1000);
			assertThat(test.workers.getCompletedTaskCount()).isEqualTo(1);
		}
	}

	@Test
	void delayBetweenBatchesWaitsAfterTheFreedSlotWithOneBatchInFlight() throws Exception {
		Map<Long, Long> delivered = new ConcurrentHashMap<>();
		Map<Integer, Long> firstItemStart = new ConcurrentHashMap<>();
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(2)
			.maxConcurrent(1)
			.delayBetweenBatches(Duration.ofMillis(100))
			.onBatchComplete((batch) -> delivered.put(batch.index(), System.nanoTime())))) {
			BatchResult<Integer, Integer> result = test.processor.process(items(8), (item) -> {
				firstItemStart.merge(item / 2, System.nanoTime(), Math::min);
				Thread.sleep(10);
				return item;
			});
			assertThat(result.allSucceeded()).isTrue();
			assertThat(delivered).hasSize(4);
			for (int batch = 1; batch < 4; batch++) {
				long gap = firstItemStart.get(batch) - delivered.get((long) batch - 1);
				assertThat(TimeUnit.NANOSECONDS.toMillis(gap)).as("batch %d after batch %d finished", batch, batch - 1)
					.isGreaterThanOrEqualTo(100);
			}
			assertThat(result.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		}
	}

	@Test
	void delayBetweenBatchesSpacesStartsWithSeveralBatchesInFlight() throws Exception {
		Map<Integer, Long> batchStart = new ConcurrentHashMap<>();
		Tracker tracker = new Tracker(3);
		try (TestProcessor test = TestProcessor
			.cached((options) -> options.batchSize(3).maxConcurrent(4).delayBetweenBatches(Duration.ofMillis(50)))) {
			long before = System.nanoTime();
			// asynchronous items are called at the very moment their batch starts
			CompletableFuture<BatchResult<Integer, Integer>> future = test.processor.processAsync(items(24), (item) -> {
				batchStart.merge(item / 3, System.nanoTime(), Math::min);
				tracker.enter(item);
				return CompletableFuture.supplyAsync(() -> {
					sleep(5);
					tracker.leave(item);
					return item;
				});
			});
			BatchResult<Integer, Integer> result = future.get(20, TimeUnit.SECONDS);
			assertThat(result.values()).containsExactlyElementsOf(items(24));
			assertThat(batchStart).hasSize(8);
			List<Long> gaps = new ArrayList<>();
			for (int batch = 1; batch < 8; batch++) {
				gaps.add(TimeUnit.NANOSECONDS.toMicros(batchStart.get(batch) - batchStart.get(batch - 1)));
				assertThat(TimeUnit.NANOSECONDS.toMillis(batchStart.get(batch) - before)).as("start of batch %d", batch)
					.isGreaterThanOrEqualTo(50L * batch);
			}
			assertThat(gaps).allSatisfy((gap) -> assertThat(gap).isGreaterThanOrEqualTo(50_000));
			assertThat(tracker.maxBatches.get()).isLessThanOrEqualTo(4);
		}
	}

	/**
	 * Which items and batches run at the same time.
	 */
	static final class Tracker {

		final int batchSize;

		final AtomicInteger running = new AtomicInteger();

		final AtomicInteger maxRunning = new AtomicInteger();

		final AtomicInteger started = new AtomicInteger();

		final Map<Integer, Integer> runningBatches = new ConcurrentHashMap<>();

		final AtomicInteger maxBatches = new AtomicInteger();

		Tracker(int batchSize) {
			this.batchSize = batchSize;
		}

		synchronized void enter(int item) {
			this.started.incrementAndGet();
			this.maxRunning.accumulateAndGet(this.running.incrementAndGet(), Math::max);
			this.runningBatches.merge(item / this.batchSize, 1, Integer::sum);
			this.maxBatches.accumulateAndGet(this.runningBatches.size(), Math::max);
		}

		synchronized void leave(int item) {
			this.running.decrementAndGet();
			this.runningBatches.computeIfPresent(item / this.batchSize,
					(key, count) -> (count == 1) ? null : count - 1);
		}

	}

}
