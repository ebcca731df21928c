package dev.asyncutils.batch;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;

import dev.asyncutils.core.DeadlineTimer;

/**
 * Shared helpers of the batch tests: a {@link DefaultBatchProcessor} built directly on
 * test-owned threads (so thread names and pool sizes can be checked), and the stages a
 * test completes by hand.
 */
final class BatchTestSupport {

	static final String WORKER_PREFIX = "batch-test-worker-";

	static final String SCHEDULER_PREFIX = "batch-test-scheduler-";

	/** The deadline timer of every processor these tests build (a daemon thread). */
	static final DeadlineTimer TIMER = new DeadlineTimer("batch-test-timer");

	private BatchTestSupport() {
	}

	static List<Integer> items(int count) {
		return IntStream.range(0, count).boxed().toList();
	}

	static void awaitUntil(Callable<Boolean> condition) {
		Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(2)).until(condition);
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static long millisSince(long startNanos) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
	}

	/**
	 * A processor on its own cached worker pool and scheduler, both shut down on close.
	 */
	static final class TestProcessor implements AutoCloseable {

		final ThreadPoolExecutor workers;

		final ScheduledThreadPoolExecutor scheduler;

		final DefaultBatchProcessor processor;

		private TestProcessor(ThreadPoolExecutor workers, Consumer<BatchOptions.Builder> options) {
			this.workers = workers;
			this.scheduler = new ScheduledThreadPoolExecutor(2, named(SCHEDULER_PREFIX));
			this.scheduler.setRemoveOnCancelPolicy(true);
			BatchOptions.Builder builder = BatchOptions.builder();
			options.accept(builder);
			this.processor = new DefaultBatchProcessor(builder.build(), workers, this.scheduler, TIMER,
					Duration.ofSeconds(5));
		}

		/**
		 * A processor on a cached pool: as many worker threads as items in flight.
		 * @param options the options
		 * @return the processor
		 */
		static TestProcessor cached(Consumer<BatchOptions.Builder> options) {
			return new TestProcessor((ThreadPoolExecutor) Executors.newCachedThreadPool(named(WORKER_PREFIX)), options);
		}

		/**
		 * A processor on a fixed pool of {@code threads} workers.
		 * @param threads the workers
		 * @param options the options
		 * @return the processor
		 */
		static TestProcessor fixed(int threads, Consumer<BatchOptions.Builder> options) {
			return new TestProcessor((ThreadPoolExecutor) Executors.newFixedThreadPool(threads, named(WORKER_PREFIX)),
					options);
		}

		@Override
		public void close() throws InterruptedException {
			this.workers.shutdownNow();
			this.scheduler.shutdownNow();
			this.workers.awaitTermination(10, TimeUnit.SECONDS);
			this.scheduler.awaitTermination(10, TimeUnit.SECONDS);
		}

		private static ThreadFactory named(String prefix) {
			AtomicInteger count = new AtomicInteger();
			return (runnable) -> {
				Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
				thread.setDaemon(true);
				return thread;
			};
		}

	}

	/**
	 * Stages handed out per item (and per attempt), completed by the test.
	 */
	static final class ManualStages {

		private final ConcurrentMap<Integer, List<CompletableFuture<Integer>>> stages = new ConcurrentHashMap<>();

		private final AtomicInteger created = new AtomicInteger();

		CompletableFuture<Integer> create(int item) {
			CompletableFuture<Integer> stage = new CompletableFuture<>();
			this.stages.computeIfAbsent(item, (key) -> new CopyOnWriteArrayList<>()).add(stage);
			this.created.incrementAndGet();
			return stage;
		}

		int created() {
			return this.created.get();
		}

		boolean started(int item) {
			return this.stages.containsKey(item);
		}

		CompletableFuture<Integer> last(int item) {
			List<CompletableFuture<Integer>> list = this.stages.get(item);
			return list.get(list.size() - 1);
		}

		List<CompletableFuture<Integer>> all(int item) {
			return List.copyOf(this.stages.getOrDefault(item, List.of()));
		}

		Set<Integer> startedItems() {
			return new TreeSet<>(this.stages.keySet());
		}

		void succeed(int item) {
			last(item).complete(item * 10);
		}

	}

}
