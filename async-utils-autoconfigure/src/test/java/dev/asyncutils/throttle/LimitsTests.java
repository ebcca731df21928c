package dev.asyncutils.throttle;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;

import dev.asyncutils.throttle.Limits.State;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Limits}: calls of several permits, several limits taken atomically,
 * cancellation, and retirement of full buckets, on a fake clock.
 */
class LimitsTests {

	private static final long MS = 1_000_000L;

	private static ThrottleSettings.Limit limit(long intervalNanos, int burst) {
		return new ThrottleSettings.Limit(1, java.time.Duration.ofNanos(intervalNanos), burst);
	}

	private final AtomicLong clock = new AtomicLong(1_000 * MS);

	@Test
	void severalPermitsPerCall() {
		// 10 per second, burst 5
		Limits limits = new Limits(List.of(limit(100 * MS, 5)), this.clock::get);
		State state = limits.newState();
		assertThat(limits.maxPermits()).isEqualTo(5);
		long token = limits.reserve(state, 3, 0);
		assertThat(Limits.waitNanos(token, this.clock.get())).isZero();
		assertThat(limits.available(state)).isEqualTo(2);
		assertThat(limits.reserve(state, 3, 0)).isEqualTo(Limits.REJECTED);
		assertThat(limits.available(state)).isEqualTo(2);
		long later = limits.reserve(state, 3, 100 * MS);
		assertThat(Limits.waitNanos(later, this.clock.get())).isEqualTo(100 * MS);
		assertThat(limits.cancel(state, later, 3)).isTrue();
		assertThat(limits.available(state)).isEqualTo(2);
		this.clock.addAndGet(300 * MS);
		assertThat(limits.available(state)).isEqualTo(5);
		assertThat(limits.reserve(state, 5, 0)).isNotEqualTo(Limits.REJECTED);
		assertThat(limits.available(state)).isZero();
	}

	@Test
	void severalLimitsAtOnceNoneConsumedWhenOneRejects() {
		// 10 per second (burst 10) and 15 per minute (burst 15)
		Limits limits = new Limits(List.of(limit(100 * MS, 10), limit(4_000 * MS, 15)), this.clock::get);
		State state = limits.newState();
		assertThat(limits.maxPermits()).isEqualTo(10);
		for (int i = 0; i < 10; i++) {
			assertThat(limits.reserve(state, 1, 0)).isNotEqualTo(Limits.REJECTED);
		}
		// the first limit is empty: the second must not be charged for the rejection
		assertThat(limits.reserve(state, 1, 0)).isEqualTo(Limits.REJECTED);
		this.clock.addAndGet(1_000 * MS);
		// the first is full again (10), the second has 5 left
		assertThat(limits.available(state)).isEqualTo(5);
		assertThat(limits.reserve(state, 6, 0)).isEqualTo(Limits.REJECTED);
		assertThat(limits.available(state)).isEqualTo(5);
		long token = limits.reserve(state, 5, 0);
		assertThat(token).isNotEqualTo(Limits.REJECTED);
		assertThat(limits.available(state)).isZero();
		assertThat(limits.cancel(state, token, 5)).isTrue();
		assertThat(limits.available(state)).isEqualTo(5);
		// the wait is the longest of the limits' waits
		long waiting = limits.reserve(state, 6, Long.MAX_VALUE);
		// 6 permits: 5 free in the second limit, the 6th comes after one more interval,
		// less the second already passed since the 10th permit
		assertThat(Limits.waitNanos(waiting, this.clock.get())).isEqualTo(3_000 * MS);
		assertThat(limits.reserve(state, 1, Long.MAX_VALUE)).isGreaterThan(waiting);
		assertThat(limits.cancel(state, waiting, 6)).isFalse();
	}

	@Test
	void fullBucketRetiresBusyOneDoesNot() {
		Limits limits = new Limits(List.of(limit(100 * MS, 2), limit(1_000 * MS, 3)), this.clock::get);
		State state = limits.newState();
		assertThat(state.nanosUntilIdle()).isZero();
		limits.reserve(state, 1, 0);
		assertThat(state.nanosUntilIdle()).isEqualTo(1_000 * MS);
		assertThat(state.retire()).isFalse();
		this.clock.addAndGet(1_000 * MS);
		assertThat(state.retire()).isTrue();
		assertThat(limits.reserve(state, 1, 0)).isEqualTo(Limits.RETIRED);
		Limits single = new Limits(List.of(limit(100 * MS, 2)), this.clock::get);
		State one = single.newState();
		single.reserve(one, 2, 0);
		assertThat(one.retire()).isFalse();
		this.clock.addAndGet(200 * MS);
		assertThat(one.retire()).isTrue();
		assertThat(single.reserve(one, 1, Long.MAX_VALUE)).isEqualTo(Limits.RETIRED);
	}

	@Test
	void concurrentCallersNeverOverAdmitAcrossLimits() throws Exception {
		Limits limits = new Limits(List.of(limit(1 * MS, 50), limit(10 * MS, 20)), this.clock::get);
		State state = limits.newState();
		LongAdder admitted = new LongAdder();
		int threads = 4;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		CountDownLatch done = new CountDownLatch(threads);
		for (int t = 0; t < threads; t++) {
			int permits = t + 1;
			pool.execute(() -> {
				for (int i = 0; i < 20_000; i++) {
					if (limits.reserve(state, permits, 0) != Limits.REJECTED) {
						admitted.add(permits);
					}
					if (i % 100 == 0) {
						this.clock.addAndGet(MS / 10);
					}
				}
				done.countDown();
			});
		}
		assertThat(done.await(60, TimeUnit.SECONDS)).isTrue();
		pool.shutdown();
		long elapsed = this.clock.get() - 1_000 * MS;
		// the stricter of the two limits bounds what was taken: burst + elapsed /
		// interval
		assertThat(admitted.sum()).isLessThanOrEqualTo(20 + elapsed / (10 * MS));
	}

}
