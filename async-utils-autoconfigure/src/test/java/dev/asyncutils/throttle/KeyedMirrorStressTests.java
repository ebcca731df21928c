package dev.asyncutils.throttle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.backend.BackendSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The buckets of a keyed {@link TokenBucket} with two limits, found through the mirror of
 * the keys' cache, under weighted calls (1 to 3 permits) of many threads on a few keys
 * (more keys than max-keys) while the clock runs past the grace period all the time and
 * callers stall between their look-up and their use: a bucket that expires while busy is
 * never replaced by a full one (no key ever gets more permits than each of its limits
 * allows in any window), every call has one outcome, max-keys holds, and idle keys are
 * forgotten afterwards, with and without a scheduler.
 */
@Timeout(60)
class KeyedMirrorStressTests {

	private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

	private static final int KEYS = 4;

	private static final int MAX_KEYS = 3;

	/** 10 a second, burst 3; and 20 per 5 seconds, burst 6. */
	private static final long[] INTERVALS = { 100 * MS, 250 * MS };

	private static final int[] BURSTS = { 3, 6 };

	@Test
	void weightedCallsOnFewKeysNeverExceedAnyLimitWithoutAScheduler() throws Exception {
		stress(false);
	}

	@Test
	void weightedCallsOnFewKeysNeverExceedAnyLimitWithAScheduler() throws Exception {
		stress(true);
	}

	private void stress(boolean scheduled) throws Exception {
		AtomicLong clock = new AtomicLong(1_000_000 * MS);
		ThrottleSettings settings = new ThrottleSettings("weighted", 10, Duration.ofSeconds(1), 3, Duration.ZERO,
				BackendSettings.LOCAL, List.of(new ThrottleSettings.Limit(20, Duration.ofSeconds(5), 6)), MAX_KEYS);
		TokenBucket bucket = new TokenBucket(settings, clock::get);
		ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);
		if (scheduled) {
			bucket.keyTimer(timer);
		}
		try {
			List<ConcurrentLinkedQueue<long[]>> admitted = new ArrayList<>();
			for (int key = 0; key < KEYS; key++) {
				admitted.add(new ConcurrentLinkedQueue<>());
			}
			AtomicInteger calls = new AtomicInteger();
			AtomicInteger permitted = new AtomicInteger();
			AtomicInteger refused = new AtomicInteger();
			AtomicInteger noPlace = new AtomicInteger();
			AtomicInteger keysOutOfRange = new AtomicInteger();
			ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
			long runFor = TimeUnit.SECONDS.toNanos(3);
			List<Thread> workers = new ArrayList<>();
			for (int t = 0; t < 4; t++) {
				Thread worker = new Thread(() -> {
					try {
						long begin = System.nanoTime();
						ThreadLocalRandom random = ThreadLocalRandom.current();
						while (System.nanoTime() - begin < runFor) {
							int key = random.nextInt(KEYS);
							int permits = 1 + random.nextInt(3);
							calls.incrementAndGet();
							clock.addAndGet(random.nextLong(30 * MS));
							TokenBucket keyed;
							try {
								keyed = bucket.forKey("k" + key);
							}
							catch (ThrottleRejectedException ex) {
								noPlace.incrementAndGet();
								continue;
							}
							int stall = random.nextInt(64);
							if (stall == 0) {
								// stalled between look-up and use: the others move the
								// clock well past the grace period meanwhile
								Thread.sleep(1);
							}
							else if (stall < 8) {
								Thread.yield();
							}
							long before = clock.get();
							boolean ok = ((ThrottleAdmission) keyed.admission()).withPermits(permits).tryAcquire();
							long after = clock.get();
							if (ok) {
								permitted.incrementAndGet();
								admitted.get(key).add(new long[] { before, after, permits });
							}
							else {
								refused.incrementAndGet();
							}
							int held = bucket.keysHeld();
							if (held < 0 || held > MAX_KEYS) {
								keysOutOfRange.incrementAndGet();
							}
						}
					}
					catch (Throwable ex) {
						failures.add(ex);
					}
				});
				workers.add(worker);
				worker.start();
			}
			for (Thread worker : workers) {
				worker.join(30_000);
				assertThat(worker.isAlive()).isFalse();
			}
			System.out.printf("weighted keyed throttle (%s): %d calls, %d permitted, %d refused, %d no place%n",
					scheduled ? "scheduled" : "unscheduled", calls.get(), permitted.get(), refused.get(),
					noPlace.get());
			assertThat(failures).isEmpty();
			assertThat(keysOutOfRange.get()).isZero();
			assertThat(permitted.get() + refused.get() + noPlace.get()).isEqualTo(calls.get());
			assertThat(bucket.permittedCount()).isEqualTo(permitted.get());
			assertThat(permitted.get()).isGreaterThan(1000);
			for (int key = 0; key < KEYS; key++) {
				assertWithinLimits("k" + key, new ArrayList<>(admitted.get(key)));
			}
			// long after: every key's bucket is full again, and no more than full
			clock.addAndGet(100_000 * MS);
			if (scheduled) {
				long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
				while (bucket.keysHeld() != 0 && System.nanoTime() < deadline) {
					Thread.sleep(5);
				}
				assertThat(bucket.keysHeld()).as("keys held long after the last call").isZero();
			}
			for (int key = 0; key < KEYS; key++) {
				clock.addAndGet(100_000 * MS);
				TokenBucket keyed = bucket.forKey("k" + key);
				ThrottleAdmission three = ((ThrottleAdmission) keyed.admission()).withPermits(3);
				assertThat(three.tryAcquire()).as("a full bucket of k%d", key).isTrue();
				assertThat(three.withPermits(1).tryAcquire()).isFalse();
			}
			// idle keys are forgotten even while only one known key is called
			clock.addAndGet(100_000 * MS);
			for (int i = 0; i < 5_000 && bucket.keysHeld() > 1; i++) {
				clock.addAndGet(MS);
				bucket.forKey("k0");
			}
			if (scheduled) {
				Thread.sleep(100);
			}
			assertThat(bucket.keysHeld()).isLessThanOrEqualTo(1);
		}
		finally {
			timer.shutdownNow();
		}
	}

	/**
	 * Check that no window of a key admits more permits than each limit allows: the calls
	 * whose look-up and reservation both fell within {@code [x, y]} (times read just
	 * before and just after each reservation) took at most
	 * {@code burst + (y - x) / interval} of each limit.
	 */
	private static void assertWithinLimits(String key, List<long[]> calls) {
		calls.sort(Comparator.comparingLong((long[] call) -> call[0]));
		for (int a = 0; a < calls.size(); a++) {
			long x = calls.get(a)[0];
			for (int c = a; c < calls.size() && calls.get(c)[0] - x <= 3_000 * MS; c++) {
				long y = calls.get(c)[1];
				long permits = 0;
				for (int i = a; i <= c; i++) {
					if (calls.get(i)[1] <= y) {
						permits += calls.get(i)[2];
					}
				}
				for (int limit = 0; limit < INTERVALS.length; limit++) {
					long allowed = BURSTS[limit] + (y - x) / INTERVALS[limit];
					if (permits > allowed) {
						throw new AssertionError("key " + key + " admitted " + permits + " permits between " + x
								+ " and " + y + " (" + (y - x) / MS + " ms), limit " + limit + " allows " + allowed);
					}
				}
			}
		}
	}

}
