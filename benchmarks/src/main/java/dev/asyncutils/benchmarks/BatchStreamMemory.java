package dev.asyncutils.benchmarks;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

import dev.asyncutils.batch.BatchOptions;
import dev.asyncutils.batch.BatchSummary;
import dev.asyncutils.batch.DefaultBatchProcessor;
import dev.asyncutils.core.DeadlineTimer;

/**
 * {@code BatchProcessor.stream} of ten million trivial items, meant to run in a JVM with
 * {@code -Xmx64m} ({@code run.sh} forks it so). Reports the peak heap: the largest heap
 * used right after any garbage collection (the live set, from GC notifications), and the
 * sum of the heap pools' peak usages since {@code resetPeakUsage} at the start (an upper
 * bound that includes garbage not collected yet). Argument: the item count (default
 * 10,000,000). Exits non-zero unless every item succeeded.
 */
public final class BatchStreamMemory {

	private BatchStreamMemory() {
	}

	/**
	 * Run the measurement.
	 * @param args the item count
	 */
	public static void main(String[] args) {
		long items = (args.length > 0) ? Long.parseLong(args[0]) : 10_000_000L;
		List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans()
			.stream()
			.filter((pool) -> pool.getType() == MemoryType.HEAP)
			.toList();
		AtomicLong maxAfterGc = new AtomicLong();
		AtomicLong collections = new AtomicLong();
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			((NotificationEmitter) collector).addNotificationListener((notification, handback) -> {
				if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
					GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo
						.from((CompositeData) notification.getUserData());
					long used = info.getGcInfo()
						.getMemoryUsageAfterGc()
						.entrySet()
						.stream()
						.filter((entry) -> heapPools.stream().anyMatch((pool) -> pool.getName().equals(entry.getKey())))
						.mapToLong((entry) -> entry.getValue().getUsed())
						.sum();
					maxAfterGc.accumulateAndGet(used, Math::max);
					collections.incrementAndGet();
				}
			}, null, null);
		}
		ExecutorService workers = Executors.newFixedThreadPool(4);
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
		DeadlineTimer timer = new DeadlineTimer("batch-timer");
		int status = 1;
		try {
			DefaultBatchProcessor processor = new DefaultBatchProcessor(BatchOptions.defaults(), workers, scheduler,
					timer, Duration.ofSeconds(5));
			AtomicLong delivered = new AtomicLong();
			System.gc();
			heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
			long start = System.nanoTime();
			BatchSummary summary = processor.stream(LongStream.range(0, items).boxed(), (item) -> item + 1,
					(batch) -> delivered.addAndGet(batch.outcomes().size()));
			long nanos = System.nanoTime() - start;
			long peakSum = 0;
			StringBuilder pools = new StringBuilder();
			for (MemoryPoolMXBean pool : heapPools) {
				MemoryUsage peak = pool.getPeakUsage();
				peakSum += peak.getUsed();
				pools.append((pools.length() > 0) ? ", " : "")
					.append(pool.getName())
					.append(" ")
					.append(peak.getUsed() / 1024)
					.append(" KiB");
			}
			boolean ok = summary.succeeded() == items && delivered.get() == items;
			long maxHeap = Runtime.getRuntime().maxMemory();
			String table = "BatchProcessor.stream, " + items + " trivial items, -Xmx" + (maxHeap >> 20)
					+ "m (max heap reported " + (maxHeap >> 20) + " MiB), 4 pool threads, default options\n\n"
					+ "| items | succeeded | delivered | time (s) | items/s | peak heap after GC (MiB) "
					+ "| sum of pool peaks (MiB) | GCs |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n| " + items + " | "
					+ summary.succeeded() + " | " + delivered.get() + " | " + Reports.fixed(nanos / 1e9, 1) + " | "
					+ Reports.fixed(items / (nanos / 1e9), 0) + " | " + Reports.fixed(maxAfterGc.get() / 1048576.0, 1)
					+ " | " + Reports.fixed(peakSum / 1048576.0, 1) + " | " + collections.get() + " |\n\nPool peaks: "
					+ pools + ". Result: " + (ok ? "every item succeeded" : "FAILED: " + summary) + ".\n";
			System.out.println(table);
			Reports.write("batch-stream-memory.md", table);
			Reports.write("batch-stream-memory.json",
					"{\"items\": " + items + ", \"succeeded\": " + summary.succeeded() + ", \"maxHeapMiB\": "
							+ (maxHeap >> 20) + ", \"seconds\": " + Reports.fixed(nanos / 1e9, 2)
							+ ", \"peakHeapAfterGcMiB\": " + Reports.fixed(maxAfterGc.get() / 1048576.0, 2)
							+ ", \"sumOfPoolPeaksMiB\": " + Reports.fixed(peakSum / 1048576.0, 2) + ", \"gcs\": "
							+ collections.get() + "}\n");
			status = ok ? 0 : 1;
		}
		catch (Throwable ex) {
			ex.printStackTrace();
		}
		finally {
			workers.shutdownNow();
			scheduler.shutdownNow();
			timer.stop();
		}
		System.exit(status);
	}

}
