package dev.asyncutils.batch;

import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.batch.BatchTestSupport.TestProcessor;

import static dev.asyncutils.batch.BatchTestSupport.items;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exactly one outcome per item under random failures, random timeouts and retries, on the
 * blocking, asynchronous and streaming paths: nothing dropped, nothing counted twice, one
 * callback per batch.
 */
class BatchChaosTests {

	private static final int ITEMS = 5_000;

	private static final int BATCH_SIZE = 50;

	private static final int BATCHES = ITEMS / BATCH_SIZE;

	@Test
	void blockingItemsEndExactlyOnceUnderRandomFailuresAndTimeouts() throws Exception {
		Callbacks callbacks = new Callbacks();
		Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(BATCH_SIZE)
			.maxConcurrent(4)
			.maxAttempts(3)
			.retryDelay(Duration.ofMillis(1))
			.itemTimeout(Duration.ofMillis(30))
			.onBatchComplete(callbacks::record))) {
			BatchResult<Integer, Integer> result = test.processor.process(items(ITEMS), (item) -> {
				calls.computeIfAbsent(item, (key) -> new AtomicInteger()).incrementAndGet();
				int roll = ThreadLocalRandom.current().nextInt(100);
				if (roll < 10) {
					throw new IllegalStateException("random failure");
				}
				if (roll < 13) {
					Thread.sleep(500);
				}
				else if (roll < 40) {
					Thread.sleep(1);
				}
				return item * 2;
			});
			assertExactlyOnce(result.outcomes(), result.succeeded(), result.failed());
			callbacks.assertOncePerBatch();
			for (ItemOutcome<Integer, Integer> outcome : result.outcomes()) {
				AtomicInteger count = calls.get(outcome.item());
				// an attempt whose deadline passed before it began never calls the
				// function
				assertThat((count != null) ? count.get() : 0).isLessThanOrEqualTo(outcome.attempts());
				if (outcome.isSuccess()) {
					assertThat(count).isNotNull();
				}
			}
		}
	}

	@Test
	void asynchronousItemsEndExactlyOnceUnderRandomFailuresAndTimeouts() throws Exception {
		Callbacks callbacks = new Callbacks();
		Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
		List<CompletableFuture<Integer>> hung = new CopyOnWriteArrayList<>();
		ScheduledThreadPoolExecutor completer = new ScheduledThreadPoolExecutor(2);
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(BATCH_SIZE)
			.maxConcurrent(4)
			.maxAttempts(3)
			.retryDelay(Duration.ofMillis(1))
			.itemTimeout(Duration.ofMillis(30))
			.onBatchComplete(callbacks::record))) {
			BatchResult<Integer, Integer> result = test.processor.processAsync(items(ITEMS), (item) -> {
				calls.computeIfAbsent(item, (key) -> new AtomicInteger()).incrementAndGet();
				int roll = ThreadLocalRandom.current().nextInt(100);
				if (roll < 4) {
					throw new IllegalStateException("failed to start");
				}
				CompletableFuture<Integer> stage = new CompletableFuture<>();
				if (roll < 8) {
					stage.completeExceptionally(new IllegalStateException("failed at once"));
				}
				else if (roll < 12) {
					completer.schedule(() -> stage.completeExceptionally(new IllegalStateException("failed later")),
							ThreadLocalRandom.current().nextInt(3), TimeUnit.MILLISECONDS);
				}
				else if (roll < 15) {
					hung.add(stage);
				}
				else if (roll < 50) {
					completer.schedule(() -> stage.complete(item * 2), ThreadLocalRandom.current().nextInt(3),
							TimeUnit.MILLISECONDS);
				}
				else {
					stage.complete(item * 2);
				}
				return stage;
			}).get(60, TimeUnit.SECONDS);
			assertExactlyOnce(result.outcomes(), result.succeeded(), result.failed());
			callbacks.assertOncePerBatch();
			for (ItemOutcome<Integer, Integer> outcome : result.outcomes()) {
				// asynchronous functions are called once per attempt
				assertThat(calls.get(outcome.item())).hasValue(outcome.attempts());
			}
			assertThat(hung).isNotEmpty().allSatisfy((stage) -> assertThat(stage).isCancelled());
		}
		finally {
			completer.shutdownNow();
		}
	}

	@Test
	void streamedItemsEndExactlyOnceUnderRandomFailuresAndTimeouts() throws Exception {
		Callbacks callbacks = new Callbacks();
		Callbacks sink = new Callbacks();
		AtomicLong sinkSucceeded = new AtomicLong();
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(BATCH_SIZE)
			.maxConcurrent(4)
			.maxAttempts(2)
			.retryDelay(Duration.ZERO)
			.itemTimeout(Duration.ofMillis(30))
			.onBatchComplete(callbacks::record))) {
			BatchSummary summary = test.processor.stream(IntStream.range(0, ITEMS).boxed(), (item) -> {
				int roll = ThreadLocalRandom.current().nextInt(100);
				if (roll < 10) {
					throw new IllegalStateException("random failure");
				}
				if (roll < 13) {
					Thread.sleep(500);
				}
				return item;
			}, (batch) -> {
				sink.record(batch);
				sinkSucceeded.addAndGet(batch.outcomes().size() - batch.failed());
			});
			callbacks.assertOncePerBatch();
			sink.assertOncePerBatch();
			assertThat(summary.batches()).isEqualTo(BATCHES);
			assertThat(summary.succeeded() + summary.failed()).isEqualTo(ITEMS);
			assertThat(summary.succeeded()).isEqualTo(sinkSucceeded.get());
			assertThat(summary.failed()).isPositive();
		}
	}

	@Test
	void interruptingProcessAtRandomMomentsLeavesExactlyOneOutcomePerItem() throws Exception {
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(20)
			.maxConcurrent(4)
			.maxAttempts(2)
			.retryDelay(Duration.ofMillis(1))
			.itemTimeout(Duration.ofMillis(20)))) {
			for (int round = 0; round < 20; round++) {
				Callbacks callbacks = new Callbacks(1_000, 20);
				BatchProcessor processor = test.processor.with((options) -> options.onBatchComplete(callbacks::record));
				CompletableFuture<BatchResult<Integer, Integer>> run = new CompletableFuture<>();
				AtomicInteger flagKept = new AtomicInteger();
				Thread caller = new Thread(() -> {
					try {
						run.complete(processor.process(items(1_000), (item) -> {
							int roll = ThreadLocalRandom.current().nextInt(100);
							if (roll < 10) {
								throw new IllegalStateException("random failure");
							}
							Thread.sleep((roll < 13) ? 100 : roll % 3);
							return item * 2;
						}));
					}
					catch (Throwable ex) {
						run.completeExceptionally(ex);
					}
					if (Thread.currentThread().isInterrupted()) {
						flagKept.incrementAndGet();
					}
				});
				caller.start();
				Thread.sleep(ThreadLocalRandom.current().nextInt(60));
				caller.interrupt();
				BatchResult<Integer, Integer> result = run.get(20, TimeUnit.SECONDS);
				caller.join(5_000);
				assertThat(flagKept.get()).isEqualTo(1);
				List<ItemOutcome<Integer, Integer>> outcomes = result.outcomes();
				assertThat(outcomes).hasSize(1_000);
				for (int i = 0; i < 1_000; i++) {
					ItemOutcome<Integer, Integer> outcome = outcomes.get(i);
					assertThat(outcome.index()).isEqualTo(i);
					assertThat(outcome.attempts()).isBetween(0, 2);
					if (outcome.isSuccess()) {
						assertThat(outcome.value()).isEqualTo(i * 2);
					}
					else if (outcome.attempts() == 0) {
						assertThat(outcome.error()).isInstanceOf(CancellationException.class);
					}
				}
				assertThat(result.succeeded() + result.failed()).isEqualTo(1_000);
				callbacks.assertOncePerBatch();
			}
		}
	}

	private static void assertExactlyOnce(List<ItemOutcome<Integer, Integer>> outcomes, int succeeded, int failed) {
		assertThat(outcomes).hasSize(ITEMS);
		BitSet seen = new BitSet(ITEMS);
		int successes = 0;
		for (int i = 0; i < ITEMS; i++) {
			ItemOutcome<Integer, Integer> outcome = outcomes.get(i);
			assertThat(outcome.index()).isEqualTo(i);
			assertThat(outcome.item()).isEqualTo(i);
			assertThat(seen.get(i)).isFalse();
			seen.set(i);
			assertThat(outcome.attempts()).isBetween(1, 3);
			if (outcome.isSuccess()) {
				successes++;
				assertThat(outcome.value()).isEqualTo(i * 2);
			}
			else {
				// without fail-fast every failed item used all its attempts
				assertThat(outcome.attempts()).isEqualTo(3);
				assertThat(outcome.error()).isInstanceOfAny(IllegalStateException.class,
						TimeoutExceededException.class);
				assertThat(outcome.error().getSuppressed()).hasSize(2);
			}
		}
		assertThat(seen.cardinality()).isEqualTo(ITEMS);
		assertThat(succeeded).isEqualTo(successes);
		assertThat(succeeded + failed).isEqualTo(ITEMS);
		assertThat(failed).isPositive();
	}

	/**
	 * Every batch handed to a callback or sink.
	 */
	static final class Callbacks {

		private final int total;

		private final int batchSize;

		private final List<Long> indexes = new CopyOnWriteArrayList<>();

		private final BitSet items;

		private final AtomicInteger itemCount = new AtomicInteger();

		private final AtomicInteger concurrent = new AtomicInteger();

		private final AtomicInteger overlaps = new AtomicInteger();

		Callbacks() {
			this(ITEMS, BATCH_SIZE);
		}

		Callbacks(int total, int batchSize) {
			this.total = total;
			this.batchSize = batchSize;
			this.items = new BitSet(total);
		}

		void record(Batch<?, ?> batch) {
			if (this.concurrent.incrementAndGet() > 1) {
				this.overlaps.incrementAndGet();
			}
			try {
				this.indexes.add(batch.index());
				this.itemCount.addAndGet(batch.outcomes().size());
				synchronized (this.items) {
					long expected = batch.index() * this.batchSize;
					for (ItemOutcome<?, ?> outcome : batch.outcomes()) {
						assertThat(outcome.index()).isEqualTo(expected++);
						assertThat(this.items.get((int) outcome.index())).isFalse();
						this.items.set((int) outcome.index());
					}
				}
			}
			finally {
				this.concurrent.decrementAndGet();
			}
		}

		void assertOncePerBatch() {
			int batches = (this.total + this.batchSize - 1) / this.batchSize;
			assertThat(this.indexes)
				.containsExactlyElementsOf(IntStream.range(0, batches).asLongStream().boxed().toList());
			assertThat(this.itemCount.get()).isEqualTo(this.total);
			assertThat(this.items.cardinality()).isEqualTo(this.total);
			assertThat(this.overlaps.get()).isZero();
		}

	}

}
