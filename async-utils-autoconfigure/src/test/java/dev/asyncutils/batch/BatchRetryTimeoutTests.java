package dev.asyncutils.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.batch.BatchTestSupport.ManualStages;
import dev.asyncutils.batch.BatchTestSupport.TestProcessor;

import static dev.asyncutils.batch.BatchTestSupport.awaitUntil;
import static dev.asyncutils.batch.BatchTestSupport.items;
import static dev.asyncutils.batch.BatchTestSupport.sleep;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-item retries (exact attempts, delays as lower bounds, earlier errors suppressed,
 * scheduled rather than slept on the asynchronous path) and the per-attempt
 * {@code itemTimeout} (interrupts blocking items, cancels stages, leaks no interrupt).
 */
class BatchRetryTimeoutTests {

	@Test
	void blockingItemsGetExactlyTheirAttempts() throws Exception {
		Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
		try (TestProcessor test = TestProcessor.cached(
				(options) -> options.batchSize(6).maxConcurrent(2).maxAttempts(3).retryDelay(Duration.ofMillis(1)))) {
			BatchResult<Integer, String> result = test.processor.process(items(24), (item) -> {
				int call = calls.computeIfAbsent(item, (key) -> new AtomicInteger()).incrementAndGet();
				if (call <= item % 4) {
					throw new IllegalStateException("item " + item + " attempt " + call);
				}
				return "ok " + item;
			});
			assertExactAttempts(result, calls, 24);
		}
	}

	@Test
	void asynchronousItemsGetExactlyTheirAttempts() throws Exception {
		Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
		try (TestProcessor test = TestProcessor.cached(
				(options) -> options.batchSize(6).maxConcurrent(2).maxAttempts(3).retryDelay(Duration.ofMillis(1)))) {
			BatchResult<Integer, String> result = test.processor.processAsync(items(24), (item) -> {
				int call = calls.computeIfAbsent(item, (key) -> new AtomicInteger()).incrementAndGet();
				if (call <= item % 4) {
					IllegalStateException failure = new IllegalStateException("item " + item + " attempt " + call);
					// a function that throws counts like a failed stage
					if (call == 2) {
						throw failure;
					}
					return CompletableFuture.supplyAsync(() -> {
						throw failure;
					});
				}
				return CompletableFuture.completedFuture("ok " + item);
			}).get(20, TimeUnit.SECONDS);
			assertExactAttempts(result, calls, 24);
		}
	}

	private static void assertExactAttempts(BatchResult<Integer, String> result, Map<Integer, AtomicInteger> calls,
			int count) {
		assertThat(result.outcomes()).hasSize(count);
		for (ItemOutcome<Integer, String> outcome : result.outcomes()) {
			int item = outcome.item();
			int failures = item % 4;
			if (failures < 3) {
				assertThat(outcome.isSuccess()).as("item %d", item).isTrue();
				assertThat(outcome.value()).isEqualTo("ok " + item);
				assertThat(outcome.attempts()).as("item %d", item).isEqualTo(failures + 1);
				assertThat(calls.get(item)).as("item %d", item).hasValue(failures + 1);
			}
			else {
				assertThat(outcome.isSuccess()).as("item %d", item).isFalse();
				assertThat(outcome.attempts()).isEqualTo(3);
				assertThat(calls.get(item)).hasValue(3);
				Throwable error = outcome.error();
				assertThat(error).isExactlyInstanceOf(IllegalStateException.class)
					.hasMessage("item " + item + " attempt 3");
				assertThat(error.getSuppressed()).extracting(Throwable::getMessage)
					.containsExactly("item " + item + " attempt 1", "item " + item + " attempt 2");
			}
		}
		assertThat(result.failed()).isEqualTo(count / 4);
		assertThat(result.succeeded()).isEqualTo(count - count / 4);
	}

	@Test
	void processBatchesRetriesTheWholeBatch() throws Exception {
		Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
		try (TestProcessor test = TestProcessor.cached(
				(options) -> options.batchSize(3).maxConcurrent(2).maxAttempts(2).retryDelay(Duration.ofMillis(1)))) {
			BatchResult<List<Integer>, List<Integer>> result = test.processor.processBatches(items(9), (batch) -> {
				int call = calls.computeIfAbsent(batch.get(0), (key) -> new AtomicInteger()).incrementAndGet();
				if ((batch.get(0) == 3 && call == 1) || batch.get(0) == 6) {
					throw new IllegalStateException("batch " + batch + " call " + call);
				}
				return batch.stream().map((item) -> item * item).toList();
			});
			assertThat(result.outcomes()).extracting(ItemOutcome::attempts).containsExactly(1, 2, 2);
			assertThat(calls.get(0)).hasValue(1);
			assertThat(calls.get(3)).hasValue(2);
			assertThat(calls.get(6)).hasValue(2);
			assertThat(result.outcomes().get(1).value()).containsExactly(9, 16, 25);
			assertThat(result.outcomes().get(2).error()).hasMessage("batch [6, 7, 8] call 2");
			assertThat(result.outcomes().get(2).error().getSuppressed()).extracting(Throwable::getMessage)
				.containsExactly("batch [6, 7, 8] call 1");
		}
	}

	@Test
	void retryDelaysGrowByTheMultiplierAndAreNeverShorter() throws Exception {
		Map<Integer, List<Long>> starts = new ConcurrentHashMap<>();
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(2)
			.maxAttempts(4)
			.retryDelay(Duration.ofMillis(60))
			.retryMultiplier(2.0))) {
			BatchResult<Integer, Integer> result = test.processor.process(items(2), (item) -> {
				starts.computeIfAbsent(item, (key) -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
				throw new IllegalStateException("always");
			});
			assertThat(result.failures()).extracting(ItemOutcome::attempts).containsExactly(4, 4);
			for (List<Long> attemptStarts : starts.values()) {
				assertGaps(attemptStarts, 60, 120, 240);
			}
		}
	}

	@Test
	void retryDelaysStayFixedWithMultiplierOneOnTheAsynchronousPath() throws Exception {
		List<Long> starts = new CopyOnWriteArrayList<>();
		try (TestProcessor test = TestProcessor
			.cached((options) -> options.maxAttempts(4).retryDelay(Duration.ofMillis(70)).retryMultiplier(1.0))) {
			BatchResult<Integer, Integer> result = test.processor.processAsync(items(1), (item) -> {
				starts.add(System.nanoTime());
				return (starts.size() < 4) ? CompletableFuture.failedFuture(new IllegalStateException("not yet"))
						: CompletableFuture.completedFuture(7);
			}).get(10, TimeUnit.SECONDS);
			assertThat(result.values()).containsExactly(7);
			assertThat(result.outcomes().get(0).attempts()).isEqualTo(4);
			assertGaps(starts, 70, 70, 70);
		}
	}

	private static void assertGaps(List<Long> starts, long... minimumMillis) {
		assertThat(starts).hasSize(minimumMillis.length + 1);
		for (int i = 0; i < minimumMillis.length; i++) {
			long gap = TimeUnit.NANOSECONDS.toMillis(starts.get(i + 1) - starts.get(i));
			assertThat(gap).as("wait before attempt %d", i + 2).isGreaterThanOrEqualTo(minimumMillis[i]);
			// generous: a retry is not slept for ten times its delay
			assertThat(gap).isLessThan(10 * minimumMillis[i] + 1_000);
		}
	}

	@Test
	void asynchronousRetriesAreScheduledNotSleptOnAThread() throws Exception {
		List<String> retryThreads = new CopyOnWriteArrayList<>();
		Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
		try (TestProcessor test = TestProcessor.cached((
				options) -> options.batchSize(50).maxConcurrent(2).maxAttempts(2).retryDelay(Duration.ofMillis(300)))) {
			long start = System.nanoTime();
			CompletableFuture<BatchResult<Integer, Integer>> future = test.processor.processAsync(items(100),
					(item) -> {
						if (calls.computeIfAbsent(item, (key) -> new AtomicInteger()).incrementAndGet() == 1) {
							return CompletableFuture.failedFuture(new IllegalStateException("first"));
						}
						retryThreads.add(Thread.currentThread().getName());
						return CompletableFuture.completedFuture(item);
					});
			awaitUntil(() -> calls.size() == 100);
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(300);
			assertThat(future).isNotDone();
			assertThat(test.workers.getActiveCount()).isZero();
			BatchResult<Integer, Integer> result = future.get(10, TimeUnit.SECONDS);
			assertThat(result.values()).containsExactlyElementsOf(items(100));
			assertThat(result.outcomes()).allSatisfy((outcome) -> assertThat(outcome.attempts()).isEqualTo(2));
			assertThat(retryThreads).hasSize(100)
				.allSatisfy((name) -> assertThat(name).startsWith(BatchTestSupport.SCHEDULER_PREFIX));
			// the worker pool ran only the task that started the run
			assertThat(test.workers.getCompletedTaskCount()).isEqualTo(1);
		}
	}

	@Test
	void blockingItemThatOverrunsIsInterruptedAndTimesOut() throws Exception {
		AtomicInteger interrupted = new AtomicInteger();
		try (TestProcessor test = TestProcessor
			.cached((options) -> options.batchSize(4).itemTimeout(Duration.ofMillis(100)).maxAttempts(1))) {
			long start = System.nanoTime();
			BatchResult<Integer, Integer> result = test.processor.process(items(4), (item) -> {
				if (item == 2) {
					try {
						Thread.sleep(10_000);
					}
					catch (InterruptedException ex) {
						interrupted.incrementAndGet();
						throw ex;
					}
				}
				return item;
			});
			long elapsed = BatchTestSupport.millisSince(start);
			assertThat(elapsed).isGreaterThanOrEqualTo(100).isLessThan(5_000);
			ItemOutcome<Integer, Integer> timedOut = result.outcomes().get(2);
			assertThat(timedOut.error()).isExactlyInstanceOf(TimeoutExceededException.class);
			TimeoutExceededException timeout = (TimeoutExceededException) timedOut.error();
			assertThat(timeout.name()).isEqualTo("BatchProcessor.item");
			assertThat(timeout.timeout()).isEqualTo(Duration.ofMillis(100));
			assertThat(timedOut.attempts()).isEqualTo(1);
			assertThat(result.succeeded()).isEqualTo(3);
			awaitUntil(() -> interrupted.get() == 1);
		}
	}

	@Test
	void timedOutBlockingItemIsRetriedWhileAttemptsRemain() throws Exception {
		Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
		AtomicInteger interrupted = new AtomicInteger();
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(2)
			.itemTimeout(Duration.ofMillis(80))
			.maxAttempts(2)
			.retryDelay(Duration.ofMillis(1)))) {
			BatchResult<Integer, Integer> result = test.processor.process(items(2), (item) -> {
				int call = calls.computeIfAbsent(item, (key) -> new AtomicInteger()).incrementAndGet();
				// item 0 hangs once, item 1 hangs always
				if (call == 1 || item == 1) {
					try {
						Thread.sleep(10_000);
					}
					catch (InterruptedException ex) {
						interrupted.incrementAndGet();
						throw ex;
					}
				}
				return item + 10;
			});
			assertThat(result.outcomes().get(0).value()).isEqualTo(10);
			assertThat(result.outcomes().get(0).attempts()).isEqualTo(2);
			ItemOutcome<Integer, Integer> failed = result.outcomes().get(1);
			assertThat(failed.attempts()).isEqualTo(2);
			assertThat(failed.error()).isExactlyInstanceOf(TimeoutExceededException.class);
			assertThat(failed.error().getSuppressed()).hasSize(1)
				.allSatisfy((earlier) -> assertThat(earlier).isExactlyInstanceOf(TimeoutExceededException.class)
					.isNotSameAs(failed.error()));
			assertThat(calls.get(0)).hasValue(2);
			assertThat(calls.get(1)).hasValue(2);
			awaitUntil(() -> interrupted.get() == 3);
		}
	}

	@Test
	void asynchronousItemWhoseStageNeverCompletesTimesOutAndTheStageIsCancelled() throws Exception {
		ManualStages stages = new ManualStages();
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(3)
			.itemTimeout(Duration.ofMillis(100))
			.maxAttempts(2)
			.retryDelay(Duration.ofMillis(1)))) {
			long start = System.nanoTime();
			CompletableFuture<BatchResult<Integer, Integer>> future = test.processor.processAsync(items(3), (item) -> {
				CompletableFuture<Integer> stage = stages.create(item);
				if (item != 1) {
					stage.complete(item);
				}
				return stage;
			});
			BatchResult<Integer, Integer> result = future.get(10, TimeUnit.SECONDS);
			assertThat(BatchTestSupport.millisSince(start)).isGreaterThanOrEqualTo(200);
			ItemOutcome<Integer, Integer> timedOut = result.outcomes().get(1);
			assertThat(timedOut.attempts()).isEqualTo(2);
			assertThat(timedOut.error()).isExactlyInstanceOf(TimeoutExceededException.class);
			assertThat(((TimeoutExceededException) timedOut.error()).name()).isEqualTo("BatchProcessor.item");
			assertThat(stages.all(1)).hasSize(2).allSatisfy((stage) -> assertThat(stage).isCancelled());
			assertThat(stages.all(0)).hasSize(1).allSatisfy((stage) -> assertThat(stage).isCompleted());
			assertThat(result.succeeded()).isEqualTo(2);
		}
	}

	@Test
	void noInterruptLeaksToTheWorkersNextTask() throws Exception {
		Set<Integer> interruptedAtEntry = ConcurrentHashMap.newKeySet();
		AtomicInteger runs = new AtomicInteger();
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
		try (LeakCheckingExecutor workers = new LeakCheckingExecutor(2)) {
			BatchProcessor processor = new DefaultBatchProcessor(
					BatchOptions.builder().batchSize(4).maxConcurrent(1).itemTimeout(Duration.ofMillis(3)).build(),
					workers, scheduler, BatchTestSupport.TIMER, Duration.ofSeconds(5));
			BatchResult<Integer, Integer> result = processor.process(items(600), (item) -> {
				runs.incrementAndGet();
				if (Thread.currentThread().isInterrupted()) {
					interruptedAtEntry.add(item);
				}
				// busy work that ignores interrupts, ending around the deadline
				long until = System.nanoTime() + ThreadLocalRandom.current().nextLong(1_000_000, 5_000_000);
				while (System.nanoTime() < until) {
					Thread.onSpinWait();
				}
				return item;
			});
			assertThat(result.outcomes()).hasSize(600);
			assertThat(result.failures())
				.allSatisfy((outcome) -> assertThat(outcome.error()).isInstanceOf(TimeoutExceededException.class));
			assertThat(result.succeeded()).isPositive();
			assertThat(result.failed()).isPositive();
			assertThat(runs.get()).isPositive();
			awaitUntil(() -> workers.tasks.get() >= runs.get());
			// the worker checks its flag after every task: an interrupt meant for a
			// timed-out
			// attempt must have been cleared before the task returned
			assertThat(workers.leaks.get()).isZero();
			// an interrupt seen on entry can only be the item's own deadline
			for (int item : interruptedAtEntry) {
				assertThat(result.outcomes().get(item).error()).isInstanceOf(TimeoutExceededException.class);
			}
		}
		finally {
			scheduler.shutdownNow();
		}
	}

	/**
	 * Worker threads that, unlike a {@code ThreadPoolExecutor}, do not clear the
	 * interrupt flag between tasks but count every task that left it set.
	 */
	static final class LeakCheckingExecutor implements Executor, AutoCloseable {

		final AtomicInteger leaks = new AtomicInteger();

		final AtomicInteger tasks = new AtomicInteger();

		private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();

		private final List<Thread> threads = new ArrayList<>();

		private volatile boolean closed;

		LeakCheckingExecutor(int threads) {
			for (int i = 0; i < threads; i++) {
				Thread thread = new Thread(this::work, BatchTestSupport.WORKER_PREFIX + "leak-check-" + i);
				thread.setDaemon(true);
				thread.start();
				this.threads.add(thread);
			}
		}

		@Override
		public void execute(Runnable task) {
			this.queue.add(task);
		}

		private void work() {
			while (!this.closed) {
				Runnable task;
				try {
					task = this.queue.poll(50, TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					this.leaks.incrementAndGet();
					continue;
				}
				if (task != null) {
					try {
						task.run();
					}
					catch (RuntimeException ex) {
						// counted like any other task
					}
					if (Thread.interrupted()) {
						this.leaks.incrementAndGet();
					}
					this.tasks.incrementAndGet();
				}
			}
		}

		@Override
		public void close() throws InterruptedException {
			this.closed = true;
			for (Thread thread : this.threads) {
				thread.join(5_000);
			}
		}

	}

}
