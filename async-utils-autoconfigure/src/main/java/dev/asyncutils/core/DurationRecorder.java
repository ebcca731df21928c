package dev.asyncutils.core;

import java.util.function.LongConsumer;

/**
 * Where an instance records durations (a wait, a run) for a timer: nowhere until the
 * metrics bind it to a Micrometer {@code Timer} once, at startup. Recording is then one
 * call on a timer resolved in advance: no lookup, no builder, no allocation.
 */
public final class DurationRecorder {

	private static final LongConsumer NOWHERE = (nanos) -> {
	};

	private volatile LongConsumer target = NOWHERE;

	/**
	 * Record one duration.
	 * @param nanos the duration in nanoseconds
	 */
	public void record(long nanos) {
		this.target.accept(nanos);
	}

	/**
	 * Send every later duration to a target (a timer's {@code record}).
	 * @param target receives durations in nanoseconds
	 */
	public void bind(LongConsumer target) {
		this.target = target;
	}

}
