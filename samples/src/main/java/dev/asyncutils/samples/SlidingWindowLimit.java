package dev.asyncutils.samples;

import java.util.function.LongSupplier;

/**
 * A sliding-window-log rate limit, the way the simulated downstream enforces its own
 * limit: at most {@code limit} calls are admitted within any window of the given length
 * (a call at time {@code t} counts for the window {@code (t - window, t]}). It keeps the
 * times of the last {@code limit} admitted calls in a ring and refuses a call while all
 * of them are less than one window old. It also records the most calls it ever saw within
 * one window.
 */
final class SlidingWindowLimit {

	private final long windowNanos;

	private final LongSupplier clock;

	private final long[] admitted;

	private int oldest;

	private int stored;

	private int inWindow;

	private int peak;

	/**
	 * Create a limit on {@link System#nanoTime()}.
	 * @param limits the limit and window length
	 */
	SlidingWindowLimit(DownstreamProperties limits) {
		this(limits, System::nanoTime);
	}

	/**
	 * Create a limit on the given clock.
	 * @param limits the limit and window length
	 * @param clock the time in nanoseconds
	 */
	SlidingWindowLimit(DownstreamProperties limits, LongSupplier clock) {
		this.windowNanos = limits.window().toNanos();
		this.clock = clock;
		this.admitted = new long[limits.limit()];
	}

	/**
	 * Admit a call if fewer than {@code limit} calls were admitted within the window that
	 * ends now.
	 * @return {@code true} if the call is admitted, {@code false} if it is over the limit
	 */
	synchronized boolean tryAcquire() {
		long now = this.clock.getAsLong();
		int capacity = this.admitted.length;
		// the calls within the window are the newest 'inWindow' of those stored
		while (this.inWindow > 0
				&& now - this.admitted[(this.oldest + this.stored - this.inWindow) % capacity] >= this.windowNanos) {
			this.inWindow--;
		}
		if (this.inWindow == capacity) {
			return false;
		}
		if (this.stored == capacity) {
			// the oldest stored call is out of the window: its place is free
			this.oldest = (this.oldest + 1) % capacity;
		}
		else {
			this.stored++;
		}
		this.admitted[(this.oldest + this.stored - 1) % capacity] = now;
		this.inWindow++;
		this.peak = Math.max(this.peak, this.inWindow);
		return true;
	}

	/**
	 * Return the most calls admitted within one window so far.
	 * @return the peak, at most the limit
	 */
	synchronized int peak() {
		return this.peak;
	}

}
