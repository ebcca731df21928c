package dev.asyncutils.throttle;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Eight threads hammer one bucket on the real clock: no permit is handed out twice, no
 * call starts before its permit, and no window holds more starts than
 * {@code burst + rate * t / per}.
 *
 * <p>
 * Where the starts are the clock readings the bucket based its decisions on, the bound
 * holds exactly (no slack). Where they are {@code System.nanoTime()} stamps taken by the
 * caller after admission, a thread may be descheduled between the bucket's reading and
 * its stamp; such a start can fall into a window whose admission happened before the
 * window began. Each thread has at most one such start in flight (its next reading comes
 * after its previous stamp), so the slack for stamps is the number of threads.
 */
@Timeout(60)
class TokenBucketConcurrencyTests {

	private static final int THREADS = 8;

	private static final long RUN_NANOS = TimeUnit.MILLISECONDS.toNanos(1_000);

	private static final int BURST = 10;

	private static final ThrottleSettings SETTINGS = new ThrottleSettings("hammer", 1000, Duration.ofSeconds(1), BURST,
			null);

	private static final long INTERVAL = SETTINGS.intervalNanos();

	private static final long TOLERANCE = (BURST - 1) * INTERVAL;

	@Test
	void tryAcquireFromEightThreadsNeverOverAdmits() throws Exception {
		RecordingClock clock = new RecordingClock();
		long created = System.nanoTime();
		TokenBucket bucket = new TokenBucket(SETTINGS, clock);
		Recorder readings = new Recorder();
		Recorder stamps = new Recorder();
		hammer(() -> {
			if (bucket.tryAcquire()) {
				long reading = clock.lastReading();
				long stamp = System.nanoTime();
				return new long[] { reading, stamp };
			}
			return null;
		}, (admission) -> {
			readings.add(admission[0]);
			stamps.add(admission[1]);
		});
		long finished = System.nanoTime();
		long[] admitted = readings.sorted();
		assertThat(admitted.length).as("admitted").isGreaterThan(BURST + 50);
		assertThat((long) admitted.length).isLessThanOrEqualTo(BURST + (finished - created) / INTERVAL);
		assertWindows("bucket readings", admitted, 0);
		assertWindows("caller stamps", stamps.sorted(), THREADS);
	}

	@Test
	void reservationsFromEightThreadsAreSpacedAndStartNoEarlierThanTheirPermit() throws Exception {
		RecordingClock clock = new RecordingClock();
		long created = System.nanoTime();
		TokenBucket bucket = new TokenBucket(SETTINGS, clock);
		long maxWait = TimeUnit.MILLISECONDS.toNanos(20);
		Recorder tokens = new Recorder();
		Recorder admissions = new Recorder();
		Recorder stamps = new Recorder();
		ConcurrentLinkedQueue<String> early = new ConcurrentLinkedQueue<>();
		hammer(() -> {
			long token = bucket.reserve(maxWait);
			long reading = clock.lastReading();
			if (token == TokenBucket.REJECTED) {
				return null;
			}
			bucket.awaitPermit(token);
			long stamp = System.nanoTime();
			return new long[] { token, reading, stamp };
		}, (admission) -> {
			long token = admission[0];
			long permit = token - INTERVAL - TOLERANCE;
			if (admission[2] - permit < 0) {
				early.add("started " + (permit - admission[2]) + "ns before its permit");
			}
			tokens.add(token);
			// the instant the bucket admitted the call: its reading, or the later permit
			admissions.add((permit - admission[1] > 0) ? permit : admission[1]);
			stamps.add(admission[2]);
		});
		long finished = System.nanoTime();
		assertThat(early).isEmpty();
		long[] sortedTokens = tokens.sorted();
		assertThat(sortedTokens.length).as("admitted").isGreaterThan(BURST + 50);
		for (int i = 1; i < sortedTokens.length; i++) {
			assertThat(sortedTokens[i] - sortedTokens[i - 1]).as("spacing of permits %d and %d", i - 1, i)
				.isGreaterThanOrEqualTo(INTERVAL);
		}
		assertThat((long) sortedTokens.length).isLessThanOrEqualTo(BURST + (finished - created) / INTERVAL);
		assertWindows("admission instants", admissions.sorted(), 0);
		assertWindows("caller stamps", stamps.sorted(), THREADS);
	}

	/**
	 * Over every window [t_i, t_j] between two starts: count &lt;= burst + floor((t_j -
	 * t_i) / interval) + slack. The interval is {@code per / rate} rounded up, so this is
	 * at most {@code burst + rate * t / per + slack}.
	 */
	private static void assertWindows(String what, long[] starts, int slack) {
		for (int i = 0; i < starts.length; i++) {
			for (int j = i; j < starts.length; j++) {
				long count = j - i + 1;
				long allowed = BURST + (starts[j] - starts[i]) / INTERVAL + slack;
				if (count > allowed) {
					throw new AssertionError(what + ": " + count + " starts within " + (starts[j] - starts[i])
							+ "ns, at most " + allowed + " allowed");
				}
			}
		}
	}

	private static void hammer(Attempt attempt, Consumer<long[]> sink) throws Exception {
		CyclicBarrier barrier = new CyclicBarrier(THREADS);
		ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
		ConcurrentLinkedQueue<long[]> results = new ConcurrentLinkedQueue<>();
		Thread[] threads = new Thread[THREADS];
		for (int t = 0; t < THREADS; t++) {
			threads[t] = new Thread(() -> {
				try {
					barrier.await(10, TimeUnit.SECONDS);
					long begin = System.nanoTime();
					while (System.nanoTime() - begin < RUN_NANOS) {
						long[] admission = attempt.run();
						if (admission != null) {
							results.add(admission);
						}
					}
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			}, "hammer-" + t);
			threads[t].start();
		}
		for (Thread thread : threads) {
			thread.join(30_000);
			assertThat(thread.isAlive()).as(thread.getName() + " finished").isFalse();
		}
		assertThat(failures).isEmpty();
		results.forEach(sink);
	}

	@FunctionalInterface
	private interface Attempt {

		long[] run();

	}

	/**
	 * {@link System#nanoTime()}, remembering per thread the reading it returned last.
	 */
	private static final class RecordingClock implements LongSupplier {

		private final ThreadLocal<long[]> last = ThreadLocal.withInitial(() -> new long[1]);

		@Override
		public long getAsLong() {
			long now = System.nanoTime();
			this.last.get()[0] = now;
			return now;
		}

		long lastReading() {
			return this.last.get()[0];
		}

	}

	private static final class Recorder {

		private long[] values = new long[1024];

		private int size;

		void add(long value) {
			if (this.size == this.values.length) {
				this.values = Arrays.copyOf(this.values, this.size * 2);
			}
			this.values[this.size++] = value;
		}

		long[] sorted() {
			long[] sorted = Arrays.copyOf(this.values, this.size);
			Arrays.sort(sorted);
			return sorted;
		}

	}

}
