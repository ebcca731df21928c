package dev.asyncutils.core.admission;

import java.util.concurrent.atomic.LongAdder;

/**
 * The counters every admission guard keeps for its meters and the actuator endpoint:
 * permitted and rejected calls, and how many permitted calls waited and for how long.
 * Counting is a {@link LongAdder} increment: it never touches Micrometer.
 */
public final class AdmissionCounters {

	private final LongAdder permitted = new LongAdder();

	private final LongAdder rejected = new LongAdder();

	private final LongAdder waited = new LongAdder();

	private final LongAdder waitNanos = new LongAdder();

	/**
	 * Count a permitted call.
	 * @param waitNanos how long it waited, 0 if it did not
	 */
	public void permitted(long waitNanos) {
		this.permitted.increment();
		if (waitNanos > 0) {
			this.waited.increment();
			this.waitNanos.add(waitNanos);
		}
	}

	/**
	 * Take back a permitted call whose permit was given back unused before anyone else
	 * counted on it.
	 */
	public void unpermitted() {
		this.permitted.decrement();
	}

	/**
	 * Count a rejected call.
	 */
	public void rejected() {
		this.rejected.increment();
	}

	/**
	 * Return how many calls were permitted.
	 * @return the permitted calls
	 */
	public long permittedCount() {
		return this.permitted.sum();
	}

	/**
	 * Return how many calls were rejected.
	 * @return the rejected calls
	 */
	public long rejectedCount() {
		return this.rejected.sum();
	}

	/**
	 * Return how many permitted calls waited.
	 * @return the calls that waited
	 */
	public long waitedCount() {
		return this.waited.sum();
	}

	/**
	 * Return the total time permitted calls waited.
	 * @return nanoseconds
	 */
	public long totalWaitNanos() {
		return this.waitNanos.sum();
	}

}
