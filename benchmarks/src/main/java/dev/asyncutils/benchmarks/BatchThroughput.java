package dev.asyncutils.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import dev.asyncutils.batch.BatchOptions;
import dev.asyncutils.batch.BatchResult;
import dev.asyncutils.batch.DefaultBatchProcessor;
import dev.asyncutils.batch.ItemFunction;
import dev.asyncutils.core.DeadlineTimer;

/**
 * {@code BatchProcessor.process} on one million trivial items against a hand-written
 * baseline with the same concurrency: the same fixed pool of 4 threads, and at most
 * {@code maxConcurrent x batchSize} (4 x 100 = 400, the processor's defaults) items in
 * flight, each item a {@code CompletableFuture.supplyAsync} on the pool, results kept in
 * order. The two alternate; warm-up runs are discarded. Arguments: items (default
 * 1,000,000), warm-up runs (2), measured runs (3).
 */
public final class BatchThroughput {

	static final int THREADS = 4;

	private BatchThroughput() {
	}

	/**
	 * Run the measurement.
	 * @param args items, warm-up runs, measured runs
	 * @throws Exception if a run fails
	 */
	public static void main(String[] args) throws Exception {
		int items = (args.length > 0) ? Integer.parseInt(args[0]) : 1_000_000;
		int warmups = (args.length > 1) ? Integer.parseInt(args[1]) : 2;
		int runs = (args.length > 2) ? Integer.parseInt(args[2]) : 3;
		List<Integer> source = new ArrayList<>(items);
		for (int i = 0; i < items; i++) {
			source.add(i);
		}
		ItemFunction<Integer, Integer> fn = (item) -> item + 1;
		ExecutorService pool = Executors.newFixedThreadPool(THREADS);
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
		DeadlineTimer timer = new DeadlineTimer("batch-timer");
		BatchOptions options = BatchOptions.defaults();
		DefaultBatchProcessor processor = new DefaultBatchProcessor(options, pool, scheduler, timer,
				Duration.ofSeconds(5));
		int inFlight = options.maxConcurrent() * options.batchSize();
		double[] ours = new double[runs];
		double[] baseline = new double[runs];
		try {
			for (int run = -warmups; run < runs; run++) {
				long start = System.nanoTime();
				BatchResult<Integer, Integer> result = processor.process(source, fn);
				long oursNanos = System.nanoTime() - start;
				check(result.succeeded() == items && result.values().get(items - 1) == items, "ours");
				start = System.nanoTime();
				Object[] values = handWritten(source, fn, pool, inFlight);
				long baselineNanos = System.nanoTime() - start;
				check(values[items - 1].equals(items), "baseline");
				if (run >= 0) {
					ours[run] = items / (oursNanos / 1e9);
					baseline[run] = items / (baselineNanos / 1e9);
				}
				System.out.println(((run < 0) ? "warm-up" : "run " + run) + ": ours " + oursNanos / 1_000_000
						+ " ms, hand-written " + baselineNanos / 1_000_000 + " ms");
			}
		}
		finally {
			pool.shutdownNow();
			scheduler.shutdownNow();
			timer.stop();
		}
		double oursMedian = median(ours);
		double baselineMedian = median(baseline);
		String table = "BatchProcessor.process, " + items + " trivial items, " + THREADS + " pool threads, " + inFlight
				+ " items in flight at most; median of " + runs + " runs after " + warmups
				+ " warm-ups\n\n| contender | items/s (median) | runs (items/s) | ratio to hand-written |\n"
				+ "|---|---:|---|---:|\n| hand-written ExecutorService + CompletableFuture | "
				+ Reports.fixed(baselineMedian, 0) + " | " + list(baseline)
				+ " | 1.00 |\n| async-utils BatchProcessor | " + Reports.fixed(oursMedian, 0) + " | " + list(ours)
				+ " | " + Reports.fixed(oursMedian / baselineMedian, 2) + " |\n";
		System.out.println();
		System.out.println(table);
		Reports.write("batch-throughput.md", table);
		Reports.write("batch-throughput.json",
				"{\"items\": " + items + ", \"threads\": " + THREADS + ", \"inFlight\": " + inFlight
						+ ", \"oursItemsPerSecond\": " + Reports.fixed(oursMedian, 0)
						+ ", \"handWrittenItemsPerSecond\": " + Reports.fixed(baselineMedian, 0) + ", \"ratio\": "
						+ Reports.fixed(oursMedian / baselineMedian, 3) + "}\n");
	}

	/**
	 * The hand-written baseline: every item a task on the pool, a semaphore for the items
	 * in flight, results in order.
	 */
	static Object[] handWritten(List<Integer> source, ItemFunction<Integer, Integer> fn, ExecutorService pool,
			int inFlight) throws InterruptedException {
		Object[] results = new Object[source.size()];
		Semaphore slots = new Semaphore(inFlight);
		CountDownLatch done = new CountDownLatch(source.size());
		AtomicInteger failures = new AtomicInteger();
		int index = 0;
		for (Integer item : source) {
			slots.acquire();
			int at = index++;
			CompletableFuture.supplyAsync(() -> {
				try {
					return fn.apply(item);
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}, pool).whenComplete((value, failure) -> {
				if (failure != null) {
					failures.incrementAndGet();
				}
				results[at] = value;
				slots.release();
				done.countDown();
			});
		}
		done.await();
		check(failures.get() == 0, "baseline failures");
		return results;
	}

	static void check(boolean condition, String what) {
		if (!condition) {
			throw new IllegalStateException("wrong result: " + what);
		}
	}

	static double median(double[] values) {
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	static String list(double[] values) {
		StringBuilder text = new StringBuilder();
		for (double value : values) {
			text.append((text.length() > 0) ? ", " : "").append(Reports.fixed(value, 0));
		}
		return text.toString();
	}

}
