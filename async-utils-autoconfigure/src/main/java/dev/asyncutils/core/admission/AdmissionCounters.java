package dev.asyncutils.core.admission;

import java.util.concurrent.atomic.LongAdder;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.DurationRecorder;
import dev.asyncutils.core.Signals;

/**
 * The counters every admission guard keeps for its meters and the actuator endpoint:
 * permitted and rejected calls, and how many permitted calls waited and for how long.
 * Counting is a {@link LongAdder} increment; a call that waited is also recorded in the
 * wait timer, and a rejection or a wait is signalled (events, observations).
 */
public final class AdmissionCounters {

	private final LongAdder permitted = new LongAdder();

	private final LongAdder rejected = new LongAdder();

	private final LongAdder waited = new LongAdder();

	private final LongAdder waitNanos = new LongAdder();

	private final DurationRecorder waitTimer = new DurationRecorder();

	private volatile @Nullable Signalling signalling;

	/**
	 * Count a permitted call.
	 * @param waitNanos how long it waited, 0 if it did not
	 */
	public void permitted(long waitNanos) {
		// add, not increment: one frame less for the compiler's inlining depth
		this.permitted.add(1L);
		if (waitNanos > 0) {
			this.waited.increment();
			this.waitNanos.add(waitNanos);
			this.waitTimer.record(waitNanos);
			Signalling signalling = this.signalling;
			if (signalling != null) {
				signalling.signals.waited(signalling.kind, signalling.name, waitNanos);
			}
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
		Signalling signalling = this.signalling;
		if (signalling != null) {
			signalling.signals.rejected(signalling.kind, signalling.name);
		}
	}

	/**
	 * Return where the waits of the permitted calls that waited are recorded.
	 * @return the wait recorder
	 */
	public DurationRecorder waitRecorder() {
		return this.waitTimer;
	}

	/**
	 * Tell every later rejection and wait to these signals.
	 * @param kind {@code throttle} or {@code bounded}
	 * @param name the instance name
	 * @param signals the signals (events, observations)
	 */
	public void signals(String kind, String name, Signals signals) {
		this.signalling = new Signalling(kind, name, signals);
	}

	private record Signalling(String kind, String name, Signals signals) {
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
