package dev.asyncutils.batch;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

/**
 * Streams ten million items through a {@link DefaultBatchProcessor}; meant to run in a
 * JVM with a small heap (see {@code BatchStreamTests}). Prints the summary and the items
 * the sink saw, and exits with 0 only if every item succeeded.
 */
public final class StreamMemoryCheck {

	static final long ITEMS = 10_000_000L;

	private StreamMemoryCheck() {
	}

	public static void main(String[] args) {
		long items = (args.length > 0) ? Long.parseLong(args[0]) : ITEMS;
		ExecutorService workers = Executors.newFixedThreadPool(4);
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
		int status = 1;
		try {
			DefaultBatchProcessor processor = new DefaultBatchProcessor(BatchOptions.defaults(), workers, scheduler,
					BatchTestSupport.TIMER, Duration.ofSeconds(5));
			AtomicLong delivered = new AtomicLong();
			BatchSummary summary = processor.stream(LongStream.range(0, items).boxed(), (item) -> item + 1,
					(batch) -> delivered.addAndGet(batch.outcomes().size()));
			System.out.println("summary: " + summary);
			System.out.println("delivered: " + delivered.get());
			System.out.println("max heap: " + Runtime.getRuntime().maxMemory());
			status = (summary.succeeded() == items && delivered.get() == items) ? 0 : 1;
		}
		catch (Throwable ex) {
			ex.printStackTrace();
		}
		finally {
			workers.shutdownNow();
			scheduler.shutdownNow();
		}
		System.exit(status);
	}

}
