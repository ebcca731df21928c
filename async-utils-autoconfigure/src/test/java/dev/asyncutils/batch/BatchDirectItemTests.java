package dev.asyncutils.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.support.GenericApplicationContext;

import dev.asyncutils.batch.BatchChaosTests.Callbacks;
import dev.asyncutils.batch.BatchTestSupport.TestProcessor;

import static dev.asyncutils.batch.BatchTestSupport.awaitUntil;
import static dev.asyncutils.batch.BatchTestSupport.items;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Blocking items without an item timeout run as their own executor task, with no future
 * per attempt: the worker, a canceller and a retry race on one state per item. Exactly
 * one outcome per item under failures, retries, rejections, interrupts of the caller and
 * shutdown; an interrupt meant for a cancelled item never reaches the worker's next item.
 */
class BatchDirectItemTests {

	@Test
	void everyItemEndsExactlyOnceUnderRandomFailuresAndImmediateRetries() throws Exception {
		assertExactlyOnceUnderFailures(Duration.ZERO);
	}

	@Test
	void everyItemEndsExactlyOnceUnderRandomFailuresAndScheduledRetries() throws Exception {
		assertExactlyOnceUnderFailures(Duration.ofNanos(1));
	}

	private void assertExactlyOnceUnderFailures(Duration retryDelay) throws Exception {
		int total = 20_000;
		int batchSize = 50;
		Callbacks callbacks = new Callbacks(total, batchSize);
		Map<Integer, AtomicInteger> calls = new ConcurrentHashMap<>();
		try (TestProcessor test = TestProcessor.fixed(4,
				(options) -> options.batchSize(batchSize)
					.maxConcurrent(4)
					.maxAttempts(3)
					.retryDelay(retryDelay)
					.retryMultiplier(1.0)
					.onBatchComplete(callbacks::record))) {
			BatchResult<Integer, Integer> result = test.processor.process(items(total), (item) -> {
				calls.computeIfAbsent(item, (key) -> new AtomicInteger()).incrementAndGet();
				if (ThreadLocalRandom.current().nextInt(100) < 30) {
					throw new IllegalStateException("random failure of " + item);
				}
				return item * 2;
			});
			List<ItemOutcome<Integer, Integer>> outcomes = result.outcomes();
			assertThat(outcomes).hasSize(total);
			int successes = 0;
			for (int i = 0; i < total; i++) {
				ItemOutcome<Integer, Integer> outcome = outcomes.get(i);
				assertThat(outcome.index()).isEqualTo(i);
				assertThat(outcome.item()).isEqualTo(i);
				// no timeout: every attempt called the function exactly once
				assertThat(calls.get(i).get()).as("calls of item %d", i).isEqualTo(outcome.attempts());
				if (outcome.isSuccess()) {
					successes++;
					assertThat(outcome.value()).isEqualTo(i * 2);
					assertThat(outcome.attempts()).isBetween(1, 3);
				}
				else {
					assertThat(outcome.attempts()).isEqualTo(3);
					assertThat(outcome.error()).isInstanceOf(IllegalStateException.class)
						.hasMessage("random failure of " + i);
					assertThat(outcome.error().getSuppressed()).hasSize(2)
						.allSatisfy((earlier) -> assertThat(earlier).isInstanceOf(IllegalStateException.class));
				}
			}
			assertThat(result.succeeded()).isEqualTo(successes);
			assertThat(result.failed()).isEqualTo(total - successes).isPositive();
			assertThat(test.processor.stats().itemsSucceeded()).isEqualTo(successes);
			assertThat(test.processor.stats().itemsFailed()).isEqualTo(total - successes);
			callbacks.assertOncePerBatch();
		}
	}

	@Test
	void interruptingTheCallerMidFlightLeavesOneOutcomePerItemAndNoStrayInterrupt() throws Exception {
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
		try (LeakCheckingExecutor workers = new LeakCheckingExecutor(3)) {
			DefaultBatchProcessor base = new DefaultBatchProcessor(BatchOptions.builder()
				.batchSize(20)
				.maxConcurrent(4)
				.maxAttempts(2)
				.retryDelay(Duration.ZERO)
				.build(), workers, scheduler, BatchTestSupport.TIMER, Duration.ofSeconds(5));
			for (int round = 0; round < 30; round++) {
				Callbacks callbacks = new Callbacks(2_000, 20);
				BatchProcessor processor = base.with((options) -> options.onBatchComplete(callbacks::record));
				CompletableFuture<BatchResult<Integer, Integer>> run = new CompletableFuture<>();
				Thread caller = new Thread(() -> {
					try {
						run.complete(processor.process(items(2_000), (item) -> {
							int roll = ThreadLocalRandom.current().nextInt(100);
							if (roll < 10) {
								throw new IllegalStateException("random failure");
							}
							if (roll < 15) {
								Thread.sleep(1);
							}
							else if (roll < 20) {
								// busy, not interruptible: the interrupt lands after the
								// call
								long until = System.nanoTime() + 200_000;
								while (System.nanoTime() < until) {
									Thread.onSpinWait();
								}
							}
							return item * 2;
						}));
					}
					catch (Throwable ex) {
						run.completeExceptionally(ex);
					}
				});
				caller.start();
				Thread.sleep(ThreadLocalRandom.current().nextInt(30));
				caller.interrupt();
				BatchResult<Integer, Integer> result = run.get(20, TimeUnit.SECONDS);
				caller.join(5_000);
				List<ItemOutcome<Integer, Integer>> outcomes = result.outcomes();
				assertThat(outcomes).hasSize(2_000);
				for (int i = 0; i < 2_000; i++) {
					ItemOutcome<Integer, Integer> outcome = outcomes.get(i);
					assertThat(outcome.index()).isEqualTo(i);
					assertThat(outcome.attempts()).isBetween(0, 2);
					if (outcome.isSuccess()) {
						assertThat(outcome.value()).isEqualTo(i * 2);
					}
					else if (outcome.attempts() == 0) {
						assertThat(outcome.error()).isInstanceOf(CancellationException.class);
					}
					else {
						assertThat(outcome.error()).isInstanceOfAny(CancellationException.class,
								IllegalStateException.class);
					}
				}
				assertThat(result.succeeded() + result.failed()).isEqualTo(2_000);
				callbacks.assertOncePerBatch();
			}
			assertThat(workers.tasks.get()).isPositive();
			assertThat(workers.leaks.get()).isZero();
		}
		finally {
			scheduler.shutdownNow();
		}
	}

	@Test
	void shutdownCancelsItemsInFlightAndEndsEveryItemOnce() throws Exception {
		ExecutorService workers = Executors.newFixedThreadPool(4);
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
		try {
			DefaultBatchProcessor processor = new DefaultBatchProcessor(
					BatchOptions.builder().batchSize(10).maxConcurrent(4).build(), workers, scheduler,
					BatchTestSupport.TIMER, Duration.ofMillis(50));
			AtomicInteger started = new AtomicInteger();
			AtomicInteger interrupted = new AtomicInteger();
			CompletableFuture<BatchResult<Integer, Integer>> run = new CompletableFuture<>();
			Thread caller = new Thread(() -> {
				try {
					run.complete(processor.process(items(100_000), (item) -> {
						started.incrementAndGet();
						try {
							Thread.sleep(1);
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
			awaitUntil(() -> started.get() >= 100);
			processor.onApplicationEvent(new ContextClosedEvent(new GenericApplicationContext()));
			BatchResult<Integer, Integer> result = run.get(10, TimeUnit.SECONDS);
			List<ItemOutcome<Integer, Integer>> outcomes = result.outcomes();
			assertThat(outcomes).hasSize(100_000);
			int cancelled = 0;
			for (int i = 0; i < outcomes.size(); i++) {
				ItemOutcome<Integer, Integer> outcome = outcomes.get(i);
				assertThat(outcome.index()).isEqualTo(i);
				if (outcome.isSuccess()) {
					assertThat(outcome.value()).isEqualTo(i);
					assertThat(outcome.attempts()).isEqualTo(1);
				}
				else {
					cancelled++;
					assertThat(outcome.error()).isInstanceOf(CancellationException.class)
						.hasMessage("cancelled: the application is shutting down");
					assertThat(outcome.attempts()).isBetween(0, 1);
				}
			}
			assertThat(cancelled).isEqualTo(result.failed()).isPositive();
			assertThat(result.succeeded()).isGreaterThanOrEqualTo(100 - 40);
			assertThat(processor.stats().itemsSucceeded() + processor.stats().itemsFailed()).isEqualTo(100_000);
			// no item started after the run was cancelled
			assertThat(started.get()).isLessThanOrEqualTo(result.succeeded() + interrupted.get() + 40);
		}
		finally {
			workers.shutdownNow();
			scheduler.shutdownNow();
		}
	}

	@Test
	void aRejectedAttemptIsAFailedAttempt() throws Exception {
		ExecutorService pool = Executors.newFixedThreadPool(2);
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
		AtomicInteger submissions = new AtomicInteger();
		try {
			// two of every three submissions are refused
			DefaultBatchProcessor processor = new DefaultBatchProcessor(BatchOptions.builder()
				.batchSize(7)
				.maxConcurrent(3)
				.maxAttempts(2)
				.retryDelay(Duration.ZERO)
				.build(), (task) -> {
					if (submissions.incrementAndGet() % 3 != 0) {
						throw new RejectedExecutionException("full");
					}
					pool.execute(task);
				}, scheduler, BatchTestSupport.TIMER, Duration.ofSeconds(5));
			BatchResult<Integer, Integer> result = processor.process(items(3_000), (item) -> item + 1);
			assertThat(result.outcomes()).hasSize(3_000);
			BitSet seen = new BitSet();
			for (ItemOutcome<Integer, Integer> outcome : result.outcomes()) {
				int index = (int) outcome.index();
				assertThat(seen.get(index)).isFalse();
				seen.set(index);
				if (outcome.isSuccess()) {
					assertThat(outcome.value()).isEqualTo(index + 1);
				}
				else {
					assertThat(outcome.attempts()).isEqualTo(2);
					assertThat(outcome.error()).isInstanceOf(RejectedExecutionException.class).hasMessage("full");
					assertThat(outcome.error().getSuppressed()).singleElement()
						.isInstanceOf(RejectedExecutionException.class);
				}
			}
			assertThat(seen.cardinality()).isEqualTo(3_000);
			assertThat(result.failed()).isPositive();
			assertThat(result.succeeded()).isPositive();
			int attempts = result.outcomes().stream().mapToInt(ItemOutcome::attempts).sum();
			assertThat(submissions.get()).isEqualTo(attempts);
		}
		finally {
			pool.shutdownNow();
			scheduler.shutdownNow();
		}
	}

	@Test
	void aRetryNeverOverlapsTheAttemptBeforeIt() throws Exception {
		Map<Integer, AtomicInteger> running = new ConcurrentHashMap<>();
		AtomicInteger overlaps = new AtomicInteger();
		try (TestProcessor test = TestProcessor
			.cached((options) -> options.batchSize(100).maxConcurrent(4).maxAttempts(4).retryDelay(Duration.ZERO))) {
			BatchResult<Integer, Integer> result = test.processor.process(items(5_000), (item) -> {
				AtomicInteger count = running.computeIfAbsent(item, (key) -> new AtomicInteger());
				if (count.incrementAndGet() > 1) {
					overlaps.incrementAndGet();
				}
				try {
					if (ThreadLocalRandom.current().nextBoolean()) {
						throw new IllegalStateException("again");
					}
					return item;
				}
				finally {
					count.decrementAndGet();
				}
			});
			assertThat(overlaps.get()).isZero();
			assertThat(result.succeeded() + result.failed()).isEqualTo(5_000);
			for (ItemOutcome<Integer, Integer> outcome : result.outcomes()) {
				if (!outcome.isSuccess()) {
					assertThat(outcome.attempts()).isEqualTo(4);
					assertThat(outcome.error().getSuppressed()).hasSize(3);
				}
			}
		}
	}

	/**
	 * Worker threads that, unlike a {@code ThreadPoolExecutor}, do not clear the
	 * interrupt flag between tasks, and count the tasks that returned with it set.
	 */
	static final class LeakCheckingExecutor implements Executor, AutoCloseable {

		final AtomicInteger tasks = new AtomicInteger();

		final AtomicInteger leaks = new AtomicInteger();

		private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();

		private final List<Thread> threads = new ArrayList<>();

		private volatile boolean closed;

		LeakCheckingExecutor(int threads) {
			for (int i = 0; i < threads; i++) {
				Thread thread = new Thread(this::work, "leak-checking-worker-" + i);
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
					task = this.queue.poll(10, TimeUnit.MILLISECONDS);
				}
				catch (InterruptedException ex) {
					this.leaks.incrementAndGet();
					continue;
				}
				if (task == null) {
					continue;
				}
				this.tasks.incrementAndGet();
				task.run();
				if (Thread.interrupted()) {
					this.leaks.incrementAndGet();
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
