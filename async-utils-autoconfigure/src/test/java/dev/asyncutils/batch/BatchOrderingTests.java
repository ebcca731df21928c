package dev.asyncutils.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.asyncutils.batch.BatchTestSupport.ManualStages;
import dev.asyncutils.batch.BatchTestSupport.TestProcessor;

import static dev.asyncutils.batch.BatchTestSupport.awaitUntil;
import static dev.asyncutils.batch.BatchTestSupport.items;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Outcomes in input order and batch callbacks once per batch in batch order, even when
 * later batches finish first; the {@link BatchResult} accessors.
 */
class BatchOrderingTests {

	private static final int SIZE = 5;

	@Test
	void processKeepsInputOrderAndCallsBackInBatchOrderWhenBatchZeroFinishesLast() throws Exception {
		List<Long> callbacks = new CopyOnWriteArrayList<>();
		List<Integer> finishOrder = new CopyOnWriteArrayList<>();
		// batch 0 waits until batches 1 and 2 have completely finished
		CountDownLatch laterBatchesDone = new CountDownLatch(2 * SIZE);
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(SIZE)
			.maxConcurrent(3)
			.onBatchComplete((batch) -> callbacks.add(batch.index())))) {
			BatchResult<Integer, String> result = test.processor.process(items(37), (item) -> {
				if (item < SIZE) {
					assertThat(laterBatchesDone.await(10, TimeUnit.SECONDS)).isTrue();
				}
				finishOrder.add(item);
				if (item >= SIZE && item < 3 * SIZE) {
					laterBatchesDone.countDown();
				}
				return "v" + item;
			});
			assertThat(finishOrder.subList(0, 2 * SIZE)).allMatch((item) -> item >= SIZE && item < 3 * SIZE);
			assertInputOrder(result.outcomes(), 37);
			for (ItemOutcome<Integer, String> outcome : result.outcomes()) {
				assertThat(outcome.value()).isEqualTo("v" + outcome.item());
				assertThat(outcome.attempts()).isEqualTo(1);
			}
			assertThat(callbacks).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
			assertThat(result.values())
				.containsExactlyElementsOf(IntStream.range(0, 37).mapToObj((i) -> "v" + i).toList());
		}
	}

	@Test
	void processAsyncKeepsInputOrderWhenStagesCompleteInReverse() throws Exception {
		List<Long> callbacks = new CopyOnWriteArrayList<>();
		List<List<Integer>> callbackItems = new CopyOnWriteArrayList<>();
		ManualStages stages = new ManualStages();
		try (TestProcessor test = TestProcessor
			.cached((options) -> options.batchSize(SIZE).maxConcurrent(3).onBatchComplete((batch) -> {
				callbacks.add(batch.index());
				callbackItems.add(batch.outcomes().stream().map((outcome) -> (Integer) outcome.item()).toList());
			}))) {
			CompletableFuture<BatchResult<Integer, Integer>> future = test.processor.processAsync(items(15),
					stages::create);
			awaitUntil(() -> stages.created() == 15);
			for (int item = 14; item >= 0; item--) {
				stages.succeed(item);
				if (item >= SIZE) {
					assertThat(callbacks).isEmpty();
				}
			}
			BatchResult<Integer, Integer> result = future.get(10, TimeUnit.SECONDS);
			assertInputOrder(result.outcomes(), 15);
			assertThat(result.values())
				.containsExactlyElementsOf(IntStream.range(0, 15).map((i) -> i * 10).boxed().toList());
			assertThat(callbacks).containsExactly(0L, 1L, 2L);
			assertThat(callbackItems).containsExactly(List.of(0, 1, 2, 3, 4), List.of(5, 6, 7, 8, 9),
					List.of(10, 11, 12, 13, 14));
		}
	}

	@Test
	void processBatchesCallsOncePerBatchAndKeepsBatchOrder() throws Exception {
		List<List<Integer>> calls = new CopyOnWriteArrayList<>();
		List<Long> callbacks = new CopyOnWriteArrayList<>();
		CountDownLatch laterBatchesDone = new CountDownLatch(2);
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(4)
			.maxConcurrent(3)
			.onBatchComplete((batch) -> callbacks.add(batch.index())))) {
			BatchResult<List<Integer>, List<String>> result = test.processor.processBatches(items(18), (batch) -> {
				calls.add(batch);
				if (batch.get(0) == 0) {
					assertThat(laterBatchesDone.await(10, TimeUnit.SECONDS)).isTrue();
				}
				else if (batch.get(0) < 12) {
					laterBatchesDone.countDown();
				}
				return batch.stream().map((item) -> "v" + item).toList();
			});
			assertThat(calls).hasSize(5);
			assertThat(result.outcomes()).hasSize(5);
			for (int i = 0; i < 5; i++) {
				ItemOutcome<List<Integer>, List<String>> outcome = result.outcomes().get(i);
				List<Integer> expected = IntStream.range(i * 4, Math.min(18, i * 4 + 4)).boxed().toList();
				assertThat(outcome.index()).isEqualTo(i);
				assertThat(outcome.item()).isEqualTo(expected);
				assertThat(outcome.value()).isEqualTo(expected.stream().map((item) -> "v" + item).toList());
				assertThat(outcome.attempts()).isEqualTo(1);
			}
			assertThat(callbacks).containsExactly(0L, 1L, 2L, 3L, 4L);
		}
	}

	@Test
	void streamSinkReceivesBatchesInOrderWhenBatchZeroFinishesLast() throws Exception {
		List<Long> sinkBatches = new CopyOnWriteArrayList<>();
		List<Long> callbacks = new CopyOnWriteArrayList<>();
		List<Long> sinkItems = new CopyOnWriteArrayList<>();
		CountDownLatch laterBatchesDone = new CountDownLatch(2 * SIZE);
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(SIZE)
			.maxConcurrent(3)
			.onBatchComplete((batch) -> callbacks.add(batch.index())))) {
			BatchSummary summary = test.processor.stream(LongStream.range(0, 52).boxed(), (item) -> {
				if (item < SIZE) {
					assertThat(laterBatchesDone.await(10, TimeUnit.SECONDS)).isTrue();
				}
				else if (item < 3 * SIZE) {
					laterBatchesDone.countDown();
				}
				return item * 2;
			}, (batch) -> {
				sinkBatches.add(batch.index());
				for (ItemOutcome<Long, Long> outcome : batch.outcomes()) {
					sinkItems.add(outcome.index());
					assertThat(outcome.value()).isEqualTo(outcome.item() * 2);
				}
			});
			assertThat(sinkBatches).containsExactlyElementsOf(LongStream.range(0, 11).boxed().toList());
			assertThat(callbacks).containsExactlyElementsOf(sinkBatches);
			assertThat(sinkItems).containsExactlyElementsOf(LongStream.range(0, 52).boxed().toList());
			assertThat(summary.batches()).isEqualTo(11);
			assertThat(summary.succeeded()).isEqualTo(52);
			assertThat(summary.failed()).isZero();
		}
	}

	@Test
	void resultAccessorsWhenSomeItemsFail() throws Exception {
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(4).maxConcurrent(2))) {
			BatchResult<Integer, Integer> result = test.processor.process(items(10), (item) -> {
				if (item == 3 || item == 7) {
					throw new IllegalStateException("bad " + item);
				}
				if (item == 9) {
					Thread.sleep(60);
				}
				return item + 100;
			});
			assertThat(result.succeeded()).isEqualTo(8);
			assertThat(result.failed()).isEqualTo(2);
			assertThat(result.allSucceeded()).isFalse();
			assertThat(result.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(60));
			assertThat(result.failures()).extracting(ItemOutcome::index).containsExactly(3L, 7L);
			assertThat(result.failures()).extracting(ItemOutcome::item).containsExactly(3, 7);
			assertThat(result.failures()).extracting((outcome) -> outcome.error().getMessage())
				.containsExactly("bad 3", "bad 7");
			assertThat(result.failures()).allSatisfy((outcome) -> {
				assertThat(outcome.isSuccess()).isFalse();
				assertThat(outcome.value()).isNull();
				assertThat(outcome.error()).isExactlyInstanceOf(IllegalStateException.class);
				assertThat(outcome.attempts()).isEqualTo(1);
			});
			ItemOutcome<Integer, Integer> ok = result.outcomes().get(4);
			assertThat(ok.isSuccess()).isTrue();
			assertThat(ok.error()).isNull();
			assertThat(ok.value()).isEqualTo(104);
			BatchFailedException failure = assertThatExceptionOfType(BatchFailedException.class)
				.isThrownBy(result::values)
				.actual();
			assertThat(failure.result()).isSameAs(result);
			assertThat(failure.getMessage()).startsWith("2 of 10 items failed; first failure: ").contains("bad 3");
			assertThat(failure.getSuppressed()).containsExactly(result.failures().get(0).error(),
					result.failures().get(1).error());
		}
	}

	@Test
	void resultAccessorsWhenAllSucceed() throws Exception {
		List<Batch<Integer, Integer>> batches = new ArrayList<>();
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(3)
			.maxConcurrent(1)
			.onBatchComplete((batch) -> batches.add(typed(batch))))) {
			BatchResult<Integer, Integer> result = test.processor.process(items(7), (item) -> {
				if (item == 2) {
					Thread.sleep(40);
				}
				return (item == 5) ? null : item;
			});
			assertThat(result.allSucceeded()).isTrue();
			assertThat(result.succeeded()).isEqualTo(7);
			assertThat(result.failed()).isZero();
			assertThat(result.failures()).isEmpty();
			assertThat(result.values()).containsExactly(0, 1, 2, 3, 4, null, 6);
			assertThat(result.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(40));
			assertThat(batches).extracting(Batch::index).containsExactly(0L, 1L, 2L);
			assertThat(batches).extracting((batch) -> batch.outcomes().size()).containsExactly(3, 3, 1);
			assertThat(batches.get(1).values()).containsExactly(3, 4, null);
		}
	}

	@Test
	void batchValuesLeaveOutFailedItems() throws Exception {
		List<Batch<Integer, Integer>> batches = new CopyOnWriteArrayList<>();
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(4)
			.maxConcurrent(2)
			.onBatchComplete((batch) -> batches.add(typed(batch))))) {
			test.processor.process(items(8), (item) -> {
				if (item % 3 == 0) {
					throw new IllegalArgumentException("no " + item);
				}
				return item;
			});
			assertThat(batches).hasSize(2);
			assertThat(batches.get(0).values()).containsExactly(1, 2);
			assertThat(batches.get(1).values()).containsExactly(4, 5, 7);
			assertThat(batches.get(0).failed()).isEqualTo(2);
			assertThat(batches.get(1).failed()).isEqualTo(1);
			assertThat(batches.get(0).outcomes()).extracting(ItemOutcome::index).containsExactly(0L, 1L, 2L, 3L);
		}
	}

	@Test
	void emptyInputsGiveEmptyResultsAndNoCallbacks() throws Exception {
		List<Long> callbacks = new CopyOnWriteArrayList<>();
		AtomicInteger calls = new AtomicInteger();
		try (TestProcessor test = TestProcessor
			.cached((options) -> options.batchSize(3).onBatchComplete((batch) -> callbacks.add(batch.index())))) {
			BatchResult<Integer, Integer> result = test.processor.process(List.of(), (item) -> calls.incrementAndGet());
			assertThat(result.outcomes()).isEmpty();
			assertThat(result.values()).isEmpty();
			assertThat(result.allSucceeded()).isTrue();
			BatchResult<Integer, Integer> async = test.processor
				.processAsync(List.<Integer>of(), (item) -> CompletableFuture.completedFuture(calls.incrementAndGet()))
				.get(5, TimeUnit.SECONDS);
			assertThat(async.outcomes()).isEmpty();
			BatchResult<List<Integer>, List<Integer>> bulk = test.processor.processBatches(List.<Integer>of(),
					(batch) -> {
						calls.incrementAndGet();
						return batch;
					});
			assertThat(bulk.outcomes()).isEmpty();
			BatchSummary summary = test.processor.stream(Stream.<Integer>empty(), (item) -> calls.incrementAndGet(),
					(batch) -> callbacks.add(-1L));
			assertThat(summary.batches()).isZero();
			assertThat(summary.succeeded()).isZero();
			assertThat(summary.failed()).isZero();
			assertThat(calls.get()).isZero();
			assertThat(callbacks).isEmpty();
		}
	}

	@SuppressWarnings("unchecked")
	static <T, R> Batch<T, R> typed(Batch<?, ?> batch) {
		return (Batch<T, R>) batch;
	}

	static <T> void assertInputOrder(List<? extends ItemOutcome<?, ?>> outcomes, int count) {
		assertThat(outcomes).hasSize(count);
		for (int i = 0; i < count; i++) {
			assertThat(outcomes.get(i).index()).isEqualTo(i);
			assertThat(outcomes.get(i).item()).isEqualTo(i);
		}
	}

}
