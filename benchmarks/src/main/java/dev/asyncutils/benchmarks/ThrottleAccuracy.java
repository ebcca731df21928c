package dev.asyncutils.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

/**
 * Throttle accuracy: each limiter configured for 1,000 permits per second with a burst of
 * 10, hammered by 8 threads taking permits without waiting for a fixed time. Reports the
 * permits granted against the bound {@code rate x elapsed + burst}, and the largest count
 * in any 100 ms window, sliding over the grant timestamps (bound: 100 + 10).
 *
 * <p>
 * Arguments: the seconds per limiter (default 10), then optionally the limiters to run.
 * Every limiter first runs once unmeasured (up to 1 s) to warm the JIT up. The interval
 * is from the limiter's creation to the deadline; grants stamped after the deadline (by a
 * thread descheduled past it) are not counted. A timestamp is read right after a grant,
 * so a thread descheduled between the two can shift its grant later; the window count is
 * an estimate within that jitter.
 */
public final class ThrottleAccuracy {

	static final int RATE = 1_000;

	static final int BURST = 10;

	static final int THREADS = 8;

	static final long WINDOW_NANOS = 100_000_000L;

	private ThrottleAccuracy() {
	}

	/**
	 * Run the measurement.
	 * @param args the seconds per limiter, then optional limiter names
	 * @throws InterruptedException if interrupted
	 */
	public static void main(String[] args) throws InterruptedException {
		double seconds = (args.length > 0) ? Double.parseDouble(args[0]) : 10;
		List<Limiters> limiters = new ArrayList<>();
		for (int i = 1; i < args.length; i++) {
			limiters.add(Limiters.valueOf(args[i]));
		}
		if (limiters.isEmpty()) {
			limiters.addAll(Arrays.asList(Limiters.values()));
		}
		StringBuilder table = new StringBuilder();
		table.append("Throttle accuracy: ")
			.append(RATE)
			.append("/s, burst ")
			.append(BURST)
			.append(", ")
			.append(THREADS)
			.append(" threads, ")
			.append(Reports.fixed(seconds, 1))
			.append(" s each\n\n");
		table.append("| limiter | elapsed s | granted | bound (rate x elapsed + burst) | granted / bound "
				+ "| max in any 100 ms | window bound | attempts |\n");
		table.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
		StringBuilder json = new StringBuilder("[");
		// warm every limiter up first, so that the first one measured does not share the
		// cores with the JIT compiling the others' code
		for (Limiters limiter : limiters) {
			measure(limiter, Math.min(1, seconds));
		}
		for (Limiters limiter : limiters) {
			Result result = measure(limiter, seconds);
			double bound = RATE * result.elapsedSeconds() + BURST;
			double windowBound = RATE * (WINDOW_NANOS / 1e9) + BURST;
			table.append("| ")
				.append(limiter.label())
				.append(" | ")
				.append(Reports.fixed(result.elapsedSeconds(), 3))
				.append(" | ")
				.append(result.granted())
				.append(" | ")
				.append(Reports.fixed(bound, 0))
				.append(" | ")
				.append(Reports.fixed(result.granted() / bound, 4))
				.append(" | ")
				.append(result.maxInWindow())
				.append(" | ")
				.append(Reports.fixed(windowBound, 0))
				.append(" | ")
				.append(result.attempts())
				.append(" |\n");
			if (json.length() > 1) {
				json.append(",");
			}
			json.append("\n  {\"limiter\": ")
				.append(Reports.json(limiter.name()))
				.append(", \"elapsedSeconds\": ")
				.append(Reports.fixed(result.elapsedSeconds(), 4))
				.append(", \"granted\": ")
				.append(result.granted())
				.append(", \"bound\": ")
				.append(Reports.fixed(bound, 1))
				.append(", \"maxIn100ms\": ")
				.append(result.maxInWindow())
				.append(", \"windowBound\": ")
				.append(Reports.fixed(windowBound, 1))
				.append(", \"attempts\": ")
				.append(result.attempts())
				.append("}");
		}
		json.append("\n]\n");
		System.out.println(table);
		Reports.write("throttle-accuracy.md", table.toString());
		Reports.write("throttle-accuracy.json", json.toString());
	}

	static Result measure(Limiters kind, double seconds) throws InterruptedException {
		BooleanSupplier[] permit = new BooleanSupplier[1];
		long durationNanos = (long) (seconds * 1e9);
		int capacity = (int) (RATE * seconds * 2) + BURST + 1_000;
		long[][] stamps = new long[THREADS][capacity];
		int[] counts = new int[THREADS];
		long[] attempts = new long[THREADS];
		CountDownLatch ready = new CountDownLatch(THREADS);
		CountDownLatch go = new CountDownLatch(1);
		long[] window = new long[1];
		Thread[] threads = new Thread[THREADS];
		for (int t = 0; t < THREADS; t++) {
			int index = t;
			threads[t] = new Thread(() -> {
				ready.countDown();
				try {
					go.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
				BooleanSupplier limiter = permit[0];
				long end = window[0] + durationNanos;
				long[] mine = stamps[index];
				int count = 0;
				long tries = 0;
				while (true) {
					boolean granted = limiter.getAsBoolean();
					long now = System.nanoTime();
					tries++;
					if (granted) {
						mine[count++] = now;
					}
					if (now - end >= 0) {
						break;
					}
				}
				counts[index] = count;
				attempts[index] = tries;
			}, "accuracy-" + t);
			threads[t].start();
		}
		ready.await();
		// created only now, so that no limiter stores permits while the threads start
		// (Guava's would: up to one second of them)
		window[0] = System.nanoTime();
		permit[0] = kind.create(RATE, BURST);
		go.countDown();
		for (Thread thread : threads) {
			thread.join();
		}
		// only grants stamped before the deadline count: a thread descheduled past it
		// must
		// not stretch the interval the bound is computed for
		long deadline = window[0] + durationNanos;
		int total = 0;
		long tries = 0;
		for (int t = 0; t < THREADS; t++) {
			tries += attempts[t];
			for (int i = 0; i < counts[t]; i++) {
				if (stamps[t][i] - deadline < 0) {
					total++;
				}
			}
		}
		long[] all = new long[total];
		int at = 0;
		for (int t = 0; t < THREADS; t++) {
			for (int i = 0; i < counts[t]; i++) {
				if (stamps[t][i] - deadline < 0) {
					all[at++] = stamps[t][i];
				}
			}
		}
		Arrays.sort(all);
		int maxInWindow = 0;
		int first = 0;
		for (int last = 0; last < all.length; last++) {
			while (all[last] - all[first] >= WINDOW_NANOS) {
				first++;
			}
			maxInWindow = Math.max(maxInWindow, last - first + 1);
		}
		return new Result(durationNanos / 1e9, total, maxInWindow, tries);
	}

	record Result(double elapsedSeconds, int granted, int maxInWindow, long attempts) {
	}

}
