package dev.asyncutils.circuitbreaker;

/**
 * The outcomes recorded while a breaker is closed, and the judgement of their rates.
 *
 * <p>
 * The number of recorded calls and of failed ones live together in one {@code long} (two
 * 32-bit fields, each offset by {@link #BIAS}), so that one atomic addition records both
 * and returns a consistent pair: a failure rate is never judged from a count of calls and
 * a count of failures taken at different moments. Concurrent recorders may take a field
 * below its true value for a moment (one removes what another has not added yet); the
 * offset keeps such a dip from borrowing from the other field. Slow calls are counted in
 * a second {@code long}.
 */
abstract class Window {

	/** No outcome (an unused slot of a count-based window). */
	static final int EMPTY = 0;

	/** A call that succeeded in time. */
	static final int SUCCESS = 1;

	/** Bit of a failed call. */
	static final int FAILED = 2;

	/** Bit of a slow call. */
	static final int SLOW = 4;

	private static final long BIAS = 1L << 30;

	/** The packed pair of a window with no call. */
	static final long ZERO = BIAS | (BIAS << 32);

	private final int minimumCalls;

	private final long failureRateThreshold;

	private final long slowCallRateThreshold;

	Window(BreakerSettings settings) {
		this.minimumCalls = settings.minimumCalls();
		this.failureRateThreshold = settings.failureRateThreshold();
		this.slowCallRateThreshold = settings.slowCallRateThreshold();
	}

	/**
	 * Record the outcome of one call.
	 * @param outcome {@link #SUCCESS}, possibly with {@link #FAILED} and {@link #SLOW}
	 * @param now the current time in nanoseconds, read only by time-based windows
	 * @return {@code true} if the rates now reach a threshold: the breaker must open
	 */
	abstract boolean record(int outcome, long now);

	/**
	 * Return the calls in the window now.
	 * @param now the current time in nanoseconds
	 * @return the counts
	 */
	abstract Counts counts(long now);

	/**
	 * Return the packed pair that one outcome adds.
	 */
	static long pair(int outcome) {
		return (outcome == EMPTY) ? 0 : 1 + (((outcome & FAILED) != 0) ? 1L << 32 : 0);
	}

	static int slow(int outcome) {
		return ((outcome & SLOW) != 0) ? 1 : 0;
	}

	static long calls(long pair) {
		return (pair & 0xFFFF_FFFFL) - BIAS;
	}

	static long failures(long pair) {
		return (pair >>> 32) - BIAS;
	}

	/**
	 * Judge the rates of a window.
	 * @param pair the packed calls and failures
	 * @param slow the slow calls
	 * @return {@code true} if at least minimum-calls are recorded and a rate reaches its
	 * threshold
	 */
	final boolean reached(long pair, long slow) {
		long calls = calls(pair);
		if (calls < this.minimumCalls) {
			return false;
		}
		return failures(pair) * 100 >= this.failureRateThreshold * calls
				|| slow * 100 >= this.slowCallRateThreshold * calls;
	}

	final Counts counts(long pair, long slow) {
		long calls = Math.max(0, calls(pair));
		return new Counts(calls, Math.min(calls, Math.max(0, failures(pair))), Math.min(calls, Math.max(0, slow)),
				calls >= this.minimumCalls);
	}

	/**
	 * The calls in a window at one moment.
	 *
	 * @param calls the recorded calls
	 * @param failures the failed ones
	 * @param slow the slow ones (failed or not)
	 * @param judged whether there are enough calls for the rates to be judged
	 */
	record Counts(long calls, long failures, long slow, boolean judged) {

		/**
		 * Return the failure rate in percent, or -1 while too few calls are recorded.
		 * @return the rate
		 */
		float failureRate() {
			return this.judged ? 100f * this.failures / this.calls : -1f;
		}

		/**
		 * Return the slow-call rate in percent, or -1 while too few calls are recorded.
		 * @return the rate
		 */
		float slowCallRate() {
			return this.judged ? 100f * this.slow / this.calls : -1f;
		}

	}

}
