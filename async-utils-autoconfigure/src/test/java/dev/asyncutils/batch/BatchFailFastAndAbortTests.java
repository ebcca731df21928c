package dev.asyncutils.batch;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.asyncutils.batch.BatchTestSupport.ManualStages;
import dev.asyncutils.batch.BatchTestSupport.TestProcessor;

import static dev.asyncutils.batch.BatchTestSupport.awaitUntil;
import static dev.asyncutils.batch.BatchTestSupport.items;
import static dev.asyncutils.batch.BatchTestSupport.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code failFast} (exact counts, never-started items cancelled with zero attempts,
 * in-flight items finishing normally) and runs stopped by an exception of the batch
 * callback, the stream sink or the source, which reaches the caller unchanged.
 */
class BatchFailFastAndAbortTests {

	@Test
	void failFastFinishesStartedBatchesAndCancelsTheRest() throws Exception {
		List<Long> callbacks = new CopyOnWriteArrayList<>();
		AtomicInteger calls = new AtomicInteger();
		CountDownLatch failed = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(5)
			.maxConcurrent(2)
			.failFast(true)
			.onBatchComplete((batch) -> callbacks.add(batch.index())))) {
			CompletableFuture<BatchResult<Integer, Integer>> run = CompletableFuture
				.supplyAsync(() -> test.processor.process(items(30), (item) -> {
					calls.incrementAndGet();
					if (item == 5) {
						failed.countDown();
						throw new IllegalStateException("item 5 failed");
					}
					// the other items of the two started batches are still running then
					if (!release.await(10, TimeUnit.SECONDS)) {
						throw new IllegalStateException("never released");
					}
					return item;
				}));
			assertThat(failed.await(10, TimeUnit.SECONDS)).isTrue();
			sleep(200);
			release.countDown();
			BatchResult<Integer, Integer> result = run.get(10, TimeUnit.SECONDS);
			assertFailFastResult(result);
			assertThat(calls.get()).isEqualTo(10);
			assertThat(callbacks).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
		}
	}

	@Test
	void failFastOnTheAsynchronousPath() throws Exception {
		ManualStages stages = new ManualStages();
		List<Long> callbacks = new CopyOnWriteArrayList<>();
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(5)
			.maxConcurrent(2)
			.failFast(true)
			.onBatchComplete((batch) -> callbacks.add(batch.index())))) {
			CompletableFuture<BatchResult<Integer, Integer>> future = test.processor.processAsync(items(30),
					stages::create);
			awaitUntil(() -> stages.created() == 10);
			stages.last(5).completeExceptionally(new IllegalStateException("item 5 failed"));
			for (int item = 0; item < 10; item++) {
				if (item != 5) {
					stages.last(item).complete(item);
				}
			}
			BatchResult<Integer, Integer> result = future.get(10, TimeUnit.SECONDS);
			assertFailFastResult(result);
			assertThat(stages.created()).isEqualTo(10);
			assertThat(callbacks).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
		}
	}

	private static void assertFailFastResult(BatchResult<Integer, Integer> result) {
		assertThat(result.outcomes()).hasSize(30);
		assertThat(result.succeeded()).isEqualTo(9);
		assertThat(result.failed()).isEqualTo(21);
		for (ItemOutcome<Integer, Integer> outcome : result.outcomes()) {
			int item = outcome.item();
			assertThat(outcome.index()).isEqualTo(item);
			if (item == 5) {
				assertThat(outcome.error()).isExactlyInstanceOf(IllegalStateException.class)
					.hasMessage("item 5 failed");
				assertThat(outcome.attempts()).isEqualTo(1);
			}
			else if (item < 10) {
				assertThat(outcome.value()).as("item %d", item).isEqualTo(item);
				assertThat(outcome.attempts()).isEqualTo(1);
			}
			else {
				assertThat(outcome.error()).as("item %d", item).isInstanceOf(CancellationException.class);
				assertThat(outcome.attempts()).as("item %d", item).isZero();
			}
		}
	}

	@Test
	void failFastWaitsForTheLastAttempt() throws Exception {
		AtomicInteger calls = new AtomicInteger();
		AtomicInteger item3Calls = new AtomicInteger();
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(4)
			.maxConcurrent(1)
			.failFast(true)
			.maxAttempts(3)
			.retryDelay(Duration.ofMillis(1)))) {
			BatchResult<Integer, Integer> result = test.processor.process(items(20), (item) -> {
				calls.incrementAndGet();
				// item 3 recovers on its third attempt: not a failure for good
				if (item == 3 && item3Calls.incrementAndGet() < 3) {
					throw new IllegalStateException("flaky");
				}
				if (item == 9) {
					throw new IllegalStateException("broken");
				}
				return item;
			});
			assertThat(result.outcomes().get(3).value()).isEqualTo(3);
			assertThat(result.outcomes().get(3).attempts()).isEqualTo(3);
			assertThat(result.outcomes().get(9).attempts()).isEqualTo(3);
			assertThat(result.outcomes().get(9).error()).hasMessage("broken");
			assertThat(result.succeeded()).isEqualTo(11);
			assertThat(result.failed()).isEqualTo(9);
			assertThat(result.outcomes().subList(12, 20)).allSatisfy((outcome) -> {
				assertThat(outcome.error()).isInstanceOf(CancellationException.class);
				assertThat(outcome.attempts()).isZero();
			});
			// 12 items started, item 3 and item 9 twice more each
			assertThat(calls.get()).isEqualTo(16);
		}
	}

	@Test
	void failFastStreamStopsWithoutDraining() throws Exception {
		AtomicLong pulled = new AtomicLong();
		List<Long> sinkBatches = new CopyOnWriteArrayList<>();
		try (TestProcessor test = TestProcessor
			.cached((options) -> options.batchSize(5).maxConcurrent(1).failFast(true))) {
			BatchSummary summary = test.processor
				.stream(LongStream.range(0, 1_000).boxed().peek((item) -> pulled.incrementAndGet()), (item) -> {
					if (item == 7) {
						throw new IllegalStateException("bad");
					}
					return item;
				}, (batch) -> sinkBatches.add(batch.index()));
			assertThat(summary.batches()).isEqualTo(2);
			assertThat(summary.succeeded()).isEqualTo(9);
			assertThat(summary.failed()).isEqualTo(1);
			assertThat(sinkBatches).containsExactly(0L, 1L);
			assertThat(pulled.get()).isEqualTo(10);
		}
	}

	@Test
	void callbackExceptionStopsProcessAndIsThrown() throws Exception {
		RuntimeException boom = new IllegalStateException("callback broke");
		AtomicInteger started = new AtomicInteger();
		List<Long> callbacks = new CopyOnWriteArrayList<>();
		try (TestProcessor test = TestProcessor
			.cached((options) -> options.batchSize(5).maxConcurrent(1).onBatchComplete((batch) -> {
				callbacks.add(batch.index());
				if (batch.index() == 2) {
					throw boom;
				}
			}))) {
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> test.processor.process(items(50), (item) -> {
					started.incrementAndGet();
					return item;
				}))
				.isSameAs(boom);
			sleep(100);
			assertThat(started.get()).isEqualTo(15);
			assertThat(callbacks).containsExactly(0L, 1L, 2L);
		}
	}

	@Test
	void callbackExceptionCancelsBatchesInFlightAndStartsNoMore() throws Exception {
		RuntimeException boom = new IllegalArgumentException("callback broke");
		AtomicInteger started = new AtomicInteger();
		AtomicInteger interrupted = new AtomicInteger();
		AtomicInteger submittedWhenThrown = new AtomicInteger(-1);
		List<Long> callbacks = new CopyOnWriteArrayList<>();
		ExecutorService pool = Executors.newCachedThreadPool();
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
		AtomicInteger submitted = new AtomicInteger();
		// items are submitted to the executor the moment their batch starts
		Executor counting = (task) -> {
			submitted.incrementAndGet();
			pool.execute(task);
		};
		try {
			BatchProcessor processor = new DefaultBatchProcessor(
					BatchOptions.builder().batchSize(4).maxConcurrent(3).onBatchComplete((batch) -> {
						callbacks.add(batch.index());
						if (batch.index() == 1) {
							submittedWhenThrown.set(submitted.get());
							throw boom;
						}
					}).build(), counting, scheduler, BatchTestSupport.TIMER, Duration.ofSeconds(5));
			long start = System.nanoTime();
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> processor.process(items(100), (item) -> {
					started.incrementAndGet();
					// batches 0 and 1 are quick, later ones hang until cancelled
					if (item >= 8) {
						try {
							Thread.sleep(10_000);
						}
						catch (InterruptedException ex) {
							interrupted.incrementAndGet();
							throw ex;
						}
					}
					return item;
				}))
				.isSameAs(boom);
			assertThat(BatchTestSupport.millisSince(start)).isLessThan(5_000);
			sleep(100);
			// no batch starts after the callback threw; one whose launch was already
			// under
			// way on another thread (launches are one at a time) may still hand out the
			// rest
			// of its items, which are then cancelled
			assertThat(submitted.get()).isBetween(submittedWhenThrown.get(), submittedWhenThrown.get() + 3)
				.isBetween(8, 16);
			assertThat(callbacks).containsExactly(0L, 1L);
			// the items in flight when the callback threw were interrupted
			awaitUntil(() -> interrupted.get() == started.get() - 8);
		}
		finally {
			pool.shutdownNow();
			scheduler.shutdownNow();
		}
	}

	@Test
	void callbackExceptionFailsTheAsynchronousRun() throws Exception {
		RuntimeException boom = new IllegalStateException("callback broke");
		ManualStages stages = new ManualStages();
		try (TestProcessor test = TestProcessor
			.cached((options) -> options.batchSize(3).maxConcurrent(2).onBatchComplete((batch) -> {
				if (batch.index() == 0) {
					throw boom;
				}
			}))) {
			CompletableFuture<BatchResult<Integer, Integer>> future = test.processor.processAsync(items(30),
					stages::create);
			awaitUntil(() -> stages.created() == 6);
			for (int item = 0; item < 3; item++) {
				stages.succeed(item);
			}
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(10, TimeUnit.SECONDS))
				.havingCause()
				.isSameAs(boom);
			sleep(100);
			assertThat(stages.created()).isEqualTo(6);
			// batch 1 was in flight: its stages are cancelled
			for (int item = 3; item < 6; item++) {
				assertThat(stages.last(item)).isCancelled();
			}
		}
	}

	@Test
	void sinkExceptionStopsTheStreamAndIsThrown() throws Exception {
		RuntimeException boom = new IllegalStateException("sink broke");
		AtomicLong pulled = new AtomicLong();
		AtomicLong pulledWhenThrown = new AtomicLong();
		List<Long> sinkBatches = new CopyOnWriteArrayList<>();
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(10).maxConcurrent(2))) {
			Stream<Long> infinite = Stream.iterate(0L, (item) -> item + 1).peek((item) -> pulled.incrementAndGet());
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> test.processor.stream(infinite, (item) -> item, (batch) -> {
					sinkBatches.add(batch.index());
					if (batch.index() == 3) {
						pulledWhenThrown.set(pulled.get());
						throw boom;
					}
				}))
				.isSameAs(boom);
			sleep(100);
			assertThat(sinkBatches).containsExactly(0L, 1L, 2L, 3L);
			assertThat(pulled.get()).isEqualTo(pulledWhenThrown.get()).isLessThanOrEqualTo(50);
		}
	}

	@Test
	void batchCallbackExceptionStopsTheStream() throws Exception {
		RuntimeException boom = new UnsupportedOperationException("callback broke");
		List<Long> sinkBatches = new CopyOnWriteArrayList<>();
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(10).onBatchComplete((batch) -> {
			if (batch.index() == 1) {
				throw boom;
			}
		}))) {
			assertThatExceptionOfType(UnsupportedOperationException.class)
				.isThrownBy(() -> test.processor.stream(LongStream.range(0, 10_000).boxed(), (item) -> item,
						(batch) -> sinkBatches.add(batch.index())))
				.isSameAs(boom);
			assertThat(sinkBatches).containsExactly(0L);
		}
	}

	@Test
	void processBatchesCallbackExceptionIsThrown() throws Exception {
		RuntimeException boom = new IllegalStateException("callback broke");
		AtomicInteger calls = new AtomicInteger();
		try (TestProcessor test = TestProcessor
			.cached((options) -> options.batchSize(10).maxConcurrent(1).onBatchComplete((batch) -> {
				throw boom;
			}))) {
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> test.processor.processBatches(items(100), (batch) -> {
					calls.incrementAndGet();
					return batch;
				}))
				.isSameAs(boom);
			assertThat(calls.get()).isEqualTo(1);
		}
	}

	@Test
	void sourceExceptionStopsTheRunAndIsThrown() throws Exception {
		RuntimeException boom = new IllegalStateException("source broke");
		AtomicInteger calls = new AtomicInteger();
		Iterable<Integer> failing = () -> new Iterator<>() {

			private int next;

			@Override
			public boolean hasNext() {
				return true;
			}

			@Override
			public Integer next() {
				if (this.next == 12) {
					throw boom;
				}
				return this.next++;
			}

		};
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(5).maxConcurrent(1))) {
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> test.processor.process(failing, (item) -> calls.incrementAndGet()))
				.isSameAs(boom);
			assertThat(calls.get()).isEqualTo(10);
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> test.processor.stream(LongStream.range(0, 100).boxed().map((item) -> {
					if (item == 42) {
						throw boom;
					}
					return item;
				}), (item) -> item, (batch) -> {
				}))
				.isSameAs(boom);
		}
	}

}
