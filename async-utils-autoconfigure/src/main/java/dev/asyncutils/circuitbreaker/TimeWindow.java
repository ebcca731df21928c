package dev.asyncutils.circuitbreaker;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The outcomes of the last {@code windowDuration}, in {@link #BUCKETS} buckets of a
 * twentieth of it each: the window moves one bucket at a time. A recorder adds its
 * outcome to the current bucket and to the totals (lock-free); the first recorder of a
 * new bucket period takes a lock once to retire the buckets that left the window,
 * subtracting exactly what they hold from the totals.
 */
final class TimeWindow extends Window {

	/** Buckets per window. */
	static final int BUCKETS = 20;

	private final long bucketNanos;

	private final long origin;

	/** Per bucket: the packed pair, then the slow calls. */
	private final AtomicLongArray buckets = new AtomicLongArray(2 * BUCKETS);

	private final AtomicLong pair = new AtomicLong(ZERO);

	private final AtomicLong slow = new AtomicLong();

	private volatile long epoch;

	TimeWindow(BreakerSettings settings, long now) {
		super(settings);
		long windowNanos = settings.windowDuration().toNanos();
		this.bucketNanos = Math.max(1, windowNanos / BUCKETS);
		this.origin = now;
	}

	@Override
	boolean record(int outcome, long now) {
		long epoch = advance(now);
		int bucket = 2 * (int) (epoch % BUCKETS);
		long pairDelta = pair(outcome);
		this.buckets.getAndAdd(bucket, pairDelta);
		long pair = this.pair.addAndGet(pairDelta);
		long slow;
		if ((outcome & SLOW) != 0) {
			this.buckets.getAndIncrement(bucket + 1);
			slow = this.slow.incrementAndGet();
		}
		else {
			slow = this.slow.get();
		}
		return reached(pair, slow);
	}

	@Override
	Counts counts(long now) {
		advance(now);
		return counts(this.pair.get(), this.slow.get());
	}

	/**
	 * Move the window to the bucket period of {@code now}, retiring the buckets that left
	 * it.
	 * @return the bucket period to record in
	 */
	private long advance(long now) {
		long current = Math.max(0, (now - this.origin) / this.bucketNanos);
		long last = this.epoch;
		if (current <= last) {
			// a recorder whose clock was read before the window moved on
			return Math.max(current, last - BUCKETS + 1);
		}
		synchronized (this) {
			last = this.epoch;
			if (current > last) {
				for (long retired = Math.max(last + 1, current - BUCKETS + 1); retired <= current; retired++) {
					int bucket = 2 * (int) (retired % BUCKETS);
					this.pair.addAndGet(-this.buckets.getAndSet(bucket, 0));
					this.slow.addAndGet(-this.buckets.getAndSet(bucket + 1, 0));
				}
				this.epoch = current;
			}
		}
		return current;
	}

}
