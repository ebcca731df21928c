package dev.asyncutils.throttle;

import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.asyncutils.core.KeyedInstances;
import dev.asyncutils.throttle.Limits.State;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for keyed buckets ({@link KeyedInstances} of {@link Limits.State}): bounded by
 * max-keys, forgotten only when full again, never over-admitting, memory flat over a
 * million keys.
 */
class KeyedBucketsTests {

	private static final long MS = 1_000_000L;

	private static ThrottleSettings.Limit limit(long intervalNanos, int burst) {
		return new ThrottleSettings.Limit(1, java.time.Duration.ofNanos(intervalNanos), burst);
	}

	private final AtomicLong clock = new AtomicLong(1_000 * MS);

	private KeyedInstances<State> keyed(Limits limits, int maxKeys) {
		return new KeyedInstances<>(maxKeys, (key) -> limits.newState(), this.clock::get, null);
	}

	@Test
	void newKeyBeyondMaxKeysGetsNothingUntilOneIsFullAgain() {
		Limits limits = new Limits(List.of(limit(100 * MS, 1)), this.clock::get);
		KeyedInstances<State> keyed = keyed(limits, 3);
		for (String key : List.of("a", "b", "c")) {
			assertThat(limits.reserve(keyed.get(key), 1, 0)).isNotEqualTo(Limits.REJECTED);
		}
		assertThat(keyed.size()).isEqualTo(3);
		assertThat(keyed.get("d")).isNull();
		assertThat(keyed.get("a")).isNotNull();
		// full again after 100ms, forgotten a grace period (1s) later
		this.clock.addAndGet(600 * MS);
		assertThat(keyed.get("d")).isNull();
		this.clock.addAndGet(600 * MS);
		assertThat(keyed.get("d")).isNotNull();
		assertThat(keyed.size()).isEqualTo(1);
	}

	@Test
	void idleKeysAreForgottenWhileCallsOnlyFindKnownKeys() {
		// no scheduler and no new key: nothing but the look-ups of known keys can run the
		// expiry, and a look-up that finds its key does not touch the cache
		Limits limits = new Limits(List.of(limit(100 * MS, 1)), this.clock::get);
		KeyedInstances<State> keyed = keyed(limits, 10);
		State a = keyed.get("a");
		State b = keyed.get("b");
		assertThat(limits.reserve(a, 1, 0)).isNotEqualTo(Limits.REJECTED);
		assertThat(limits.reserve(b, 1, 0)).isNotEqualTo(Limits.REJECTED);
		assertThat(keyed.size()).isEqualTo(2);
		// the cache's own upkeep after the creations runs now, before the clock moves
		keyed.get("a");
		keyed.get("a");
		this.clock.addAndGet(2_000 * MS);
		for (int i = 0; i < 2_000; i++) {
			keyed.get("a");
		}
		assertThat(keyed.size()).isEqualTo(1);
		assertThat(limits.reserve(b, 1, 0)).isEqualTo(Limits.RETIRED);
		assertThat(keyed.get("b")).isNotSameAs(b);
	}

	@Test
	void busyBucketIsNeverForgotten() {
		Limits limits = new Limits(List.of(limit(1_000 * MS, 5)), this.clock::get);
		KeyedInstances<State> keyed = keyed(limits, 10);
		State state = keyed.get("a");
		// the expiry was computed when the bucket was full; now it is 20s from full
		assertThat(limits.reserve(state, 5, Long.MAX_VALUE)).isNotEqualTo(Limits.REJECTED);
		assertThat(limits.reserve(state, 5, Long.MAX_VALUE)).isNotEqualTo(Limits.REJECTED);
		assertThat(limits.reserve(state, 5, Long.MAX_VALUE)).isNotEqualTo(Limits.REJECTED);
		assertThat(limits.reserve(state, 5, Long.MAX_VALUE)).isNotEqualTo(Limits.REJECTED);
		this.clock.addAndGet(5_000 * MS);
		// expired in the cache, but busy: handed back, not replaced by a full one
		assertThat(keyed.get("a")).isSameAs(state);
		assertThat(limits.reserve(state, 1, 0)).isEqualTo(Limits.REJECTED);
		assertThat(keyed.size()).isEqualTo(1);
		this.clock.addAndGet(20_000 * MS);
		State fresh = keyed.get("a");
		assertThat(fresh).isNotSameAs(state);
		assertThat(limits.reserve(state, 1, 0)).isEqualTo(Limits.RETIRED);
		assertThat(keyed.size()).isEqualTo(1);
	}

	@Test
	void millionDistinctKeysMemoryFlatAndNoKeyOverAdmitted() {
		// 2 per second, burst 2, per key; at most 10,000 keys
		Limits limits = new Limits(List.of(limit(500 * MS, 2)), this.clock::get);
		KeyedInstances<State> keyed = keyed(limits, 10_000);
		long rejectedForKeys = 0;
		long heapAt100k = 0;
		for (int i = 0; i < 1_000_000; i++) {
			String key = "tenant-" + i;
			State state = keyed.get(key);
			if (state == null) {
				rejectedForKeys++;
			}
			else {
				assertThat(limits.reserve(state, 1, 0)).isNotEqualTo(Limits.REJECTED);
				assertThat(limits.reserve(state, 1, 0)).isNotEqualTo(Limits.REJECTED);
				assertThat(limits.reserve(state, 1, 0)).isEqualTo(Limits.REJECTED);
			}
			assertThat(keyed.size()).isLessThanOrEqualTo(10_000);
			// 1,000 new keys a second: each is held for 1s (until full) + 1s (grace) + up
			// to 1s (the granularity of Caffeine's timer wheel)
			this.clock.addAndGet(MS);
			if (i == 100_000) {
				heapAt100k = usedHeap();
			}
		}
		long heapAt1m = usedHeap();
		System.out.printf("keyed buckets: heap used after 100k keys %d KiB, after 1M keys %d KiB, held %d%n",
				heapAt100k / 1024, heapAt1m / 1024, keyed.size());
		assertThat(rejectedForKeys).isZero();
		assertThat(keyed.size()).isLessThanOrEqualTo(10_000);
		// flat: 900,000 more keys passed through without the heap growing with them
		assertThat(heapAt1m).isLessThan(heapAt100k + 16 * 1024 * 1024);
	}

	@Test
	void revisitedKeysNeverAdmitMoreThanTheirBucketAllows() {
		// 1 per 100ms, burst 3; keys come back while and after being forgotten
		Limits limits = new Limits(List.of(limit(100 * MS, 3)), this.clock::get);
		KeyedInstances<State> keyed = keyed(limits, 50);
		Map<Integer, List<long[]>> admitted = new HashMap<>();
		java.util.Random random = new java.util.Random(42);
		for (int i = 0; i < 300_000; i++) {
			int key = random.nextInt(100);
			State state = keyed.get(key);
			if (state != null) {
				int permits = 1 + random.nextInt(2);
				if (limits.reserve(state, permits, 0) != Limits.REJECTED) {
					admitted.computeIfAbsent(key, (k) -> new java.util.ArrayList<>())
						.add(new long[] { this.clock.get(), permits });
				}
			}
			// each key comes back every 2s on average: sometimes while its bucket is
			// still held, sometimes after it was forgotten
			this.clock.addAndGet(random.nextInt(40 * (int) MS));
		}
		// with max-keys 50, the other keys wait for a free place, and get one
		assertThat(admitted).hasSize(100);
		assertThat(keyed.size()).isLessThanOrEqualTo(50);
		// in every window [t_a, t_b] a key admits at most burst + (t_b - t_a) / interval
		admitted.forEach((key, calls) -> {
			for (int b = 0; b < calls.size(); b++) {
				long permits = 0;
				for (int a = b; a >= 0; a--) {
					permits += calls.get(a)[1];
					long window = calls.get(b)[0] - calls.get(a)[0];
					if (permits > 3 + window / (100 * MS)) {
						throw new AssertionError(
								"key " + key + " admitted " + permits + " permits in " + window + "ns");
					}
				}
			}
		});
	}

	private static long usedHeap() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

}
