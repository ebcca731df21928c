package dev.asyncutils.throttle;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.KeyedInstances;
import dev.asyncutils.core.admission.AdmissionCounters;

/**
 * The arithmetic of a throttle instance's limits: its own rate and burst, and any further
 * {@code limits} ({@code 10 a second and 1,000 a day}), over calls that take one or more
 * permits. Immutable and shared by every bucket of the instance (the unkeyed one and one
 * per key); the state of one bucket is a {@link State}.
 *
 * <p>
 * Each limit is a token bucket in its "generic cell rate algorithm" form: one
 * {@code long}, the theoretical time at which the bucket would be empty of reservations.
 * Taking {@code n} permits from a limit moves it {@code n} intervals later; the permits
 * are due once every limit allows them, and none is taken from any limit when one of them
 * would make the call wait longer than allowed. With one limit (the common case) a
 * reservation is one compare-and-set, without lock or allocation; with several, the
 * limits of one bucket are updated together under the bucket's monitor, so that a
 * reservation is atomic across them.
 *
 * <p>
 * A reservation answers a token: the time (on the bucket's clock) at which its permits
 * are due. Tokens of one bucket strictly increase, so a token also identifies its
 * reservation for {@link #cancel(State, long, int)}.
 */
final class Limits {

	/** Returned by {@code reserve} when the permits would come too late. */
	static final long REJECTED = Long.MIN_VALUE;

	/** Returned by {@code reserve} when the permits are due at once and were asked so. */
	static final long FREE_NOW = Long.MIN_VALUE + 1;

	/** Returned by {@code reserve} when the bucket was retired: look it up again. */
	static final long RETIRED = Long.MIN_VALUE + 2;

	/** The state of a bucket that was forgotten; no reservation succeeds on it. */
	private static final long GONE = Long.MIN_VALUE;

	private static final VarHandle TAT;

	static {
		try {
			TAT = MethodHandles.lookup().findVarHandle(State.class, "tat", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final long[] intervals;

	private final long[] tolerances;

	private final int[] bursts;

	private final int maxPermits;

	/** Whether there is one limit only: the common case, read without the arrays. */
	private final boolean single;

	/** The first limit's interval and tolerance, as in the arrays. */
	private final long firstInterval;

	private final long firstTolerance;

	private final LongSupplier clock;

	/**
	 * Create the arithmetic of one or several limits.
	 * @param limits the limits, the instance's own first
	 * @param clock the source of {@link System#nanoTime()}-like readings
	 */
	Limits(List<ThrottleSettings.Limit> limits, LongSupplier clock) {
		if (limits.isEmpty()) {
			throw new IllegalArgumentException("No limit");
		}
		int count = limits.size();
		this.intervals = new long[count];
		this.tolerances = new long[count];
		this.bursts = new int[count];
		int maxPermits = Integer.MAX_VALUE;
		for (int i = 0; i < count; i++) {
			ThrottleSettings.Limit limit = limits.get(i);
			long interval = limit.intervalNanos();
			this.intervals[i] = interval;
			this.tolerances[i] = interval * (limit.burst() - 1L);
			this.bursts[i] = limit.burst();
			maxPermits = Math.min(maxPermits, limit.burst());
		}
		this.maxPermits = maxPermits;
		this.single = (count == 1);
		this.firstInterval = this.intervals[0];
		this.firstTolerance = this.tolerances[0];
		this.clock = clock;
	}

	/**
	 * Return the most permits one call may take: the smallest burst.
	 * @return the most permits per call
	 */
	int maxPermits() {
		return this.maxPermits;
	}

	/**
	 * Return the span between the time a reservation of one permit is due and the time
	 * the first limit would be empty after it: a due time plus this is the token form
	 * {@link TokenBucket} has always answered (the first limit's state after the
	 * reservation).
	 * @return the first limit's interval times its burst
	 */
	long firstSpan() {
		return this.intervals[0] + this.tolerances[0];
	}

	/**
	 * Return how many limits there are.
	 * @return the number of limits, at least 1
	 */
	int count() {
		return this.intervals.length;
	}

	/**
	 * Return the current reading of the clock.
	 * @return nanoseconds
	 */
	long now() {
		return this.clock.getAsLong();
	}

	/**
	 * Create the state of a full bucket.
	 * @return the state
	 */
	State newState() {
		return new State(this);
	}

	/**
	 * Reserve permits if every limit makes them due within {@code maxWaitNanos}.
	 * @param state the bucket
	 * @param permits how many permits, from 1 to {@link #maxPermits()}
	 * @param maxWaitNanos the longest acceptable wait
	 * @return the token (the time the permits are due), {@link #REJECTED} without taking
	 * anything, or {@link #RETIRED}
	 */
	long reserve(State state, int permits, long maxWaitNanos) {
		return reserve(state, permits, maxWaitNanos, false, null, false);
	}

	/**
	 * Reserve permits if every limit makes them due within {@code maxWaitNanos}.
	 * @param state the bucket
	 * @param permits how many permits, from 1 to {@link #maxPermits()}
	 * @param maxWaitNanos the longest acceptable wait
	 * @param freeNowIfFree answer {@link #FREE_NOW} instead of a token when the permits
	 * are due at once (the caller then needs no second clock reading)
	 * @param counters where to count the outcome (with the wait measured on the reading
	 * that decided it), {@code null} to count nothing
	 * @param countRejection whether to count a rejection
	 * @return the token (the time the permits are due), {@link #FREE_NOW},
	 * {@link #REJECTED} without taking anything, or {@link #RETIRED}
	 */
	long reserve(State state, int permits, long maxWaitNanos, boolean freeNowIfFree,
			@Nullable AdmissionCounters counters, boolean countRejection) {
		if (!this.single) {
			return reserveAll(state, permits, maxWaitNanos, freeNowIfFree, counters, countRejection);
		}
		long interval = this.firstInterval;
		long ahead = this.firstTolerance - (permits - 1L) * interval;
		long take = permits * interval;
		while (true) {
			long tat = (long) TAT.getVolatile(state);
			if (tat == GONE) {
				return RETIRED;
			}
			// the clock is read after the state (see TokenBucket)
			long now = this.clock.getAsLong();
			long base = (tat - now > 0) ? tat : now;
			long due = base - ahead;
			if (due - now > maxWaitNanos) {
				if (counters != null && countRejection) {
					counters.rejected();
				}
				return REJECTED;
			}
			if (TAT.compareAndSet(state, tat, base + take)) {
				if (counters != null) {
					counters.permitted(due - now);
				}
				return (freeNowIfFree && due - now <= 0) ? FREE_NOW : due;
			}
			Thread.yield();
		}
	}

	private long reserveAll(State state, int permits, long maxWaitNanos, boolean freeNowIfFree,
			@Nullable AdmissionCounters counters, boolean countRejection) {
		long[] tats = state.more;
		synchronized (state) {
			long first = state.tat;
			if (first == GONE) {
				return RETIRED;
			}
			long now = this.clock.getAsLong();
			long due = Long.MIN_VALUE;
			for (int i = 0; i < this.intervals.length; i++) {
				long tat = (i == 0) ? first : tats[i - 1];
				long base = (tat - now > 0) ? tat : now;
				long limitDue = base - this.tolerances[i] + (permits - 1L) * this.intervals[i];
				if (i == 0 || limitDue - due > 0) {
					due = limitDue;
				}
			}
			if (due - now > maxWaitNanos) {
				if (counters != null && countRejection) {
					counters.rejected();
				}
				return REJECTED;
			}
			for (int i = 0; i < this.intervals.length; i++) {
				long tat = (i == 0) ? first : tats[i - 1];
				long next = ((tat - now > 0) ? tat : now) + permits * this.intervals[i];
				if (i == 0) {
					TAT.setVolatile(state, next);
				}
				else {
					tats[i - 1] = next;
				}
			}
			state.lastDue = due;
			if (counters != null) {
				counters.permitted(due - now);
			}
			return (freeNowIfFree && due - now <= 0) ? FREE_NOW : due;
		}
	}

	/**
	 * Return how long the holder of a token must still wait.
	 * @param token the token
	 * @param now a reading of {@link #now()}
	 * @return nanoseconds, 0 if the permits are due
	 */
	static long waitNanos(long token, long now) {
		long wait = token - now;
		return (wait > 0) ? wait : 0;
	}

	/**
	 * Give reserved permits back, if no later reservation was made since: the bucket is
	 * then as if the reservation never happened. Otherwise later holders already counted
	 * on them, and they stay taken.
	 * @param state the bucket
	 * @param token the reservation's token
	 * @param permits the permits it took
	 * @return {@code true} if they were given back
	 */
	boolean cancel(State state, long token, int permits) {
		if (this.intervals.length == 1) {
			long next = token + this.tolerances[0] + this.intervals[0];
			return TAT.compareAndSet(state, next, next - permits * this.intervals[0]);
		}
		synchronized (state) {
			if (state.lastDue != token || state.tat == GONE) {
				return false;
			}
			TAT.setVolatile(state, state.tat - permits * this.intervals[0]);
			for (int i = 1; i < this.intervals.length; i++) {
				state.more[i - 1] -= permits * this.intervals[i];
			}
			state.lastDue = Long.MIN_VALUE;
			return true;
		}
	}

	/**
	 * Return how many permits could be taken back to back right now.
	 * @param state the bucket
	 * @return between 0 and the smallest burst
	 */
	int available(State state) {
		long now = this.clock.getAsLong();
		int free = Integer.MAX_VALUE;
		for (int i = 0; i < this.intervals.length; i++) {
			long tat = (i == 0) ? (long) TAT.getVolatile(state) : state.more[i - 1];
			if (tat == GONE) {
				return this.maxPermits;
			}
			long backlog = tat - now;
			int limitFree = (backlog <= 0) ? this.bursts[i] : (int) Math.max(0,
					Math.min((this.tolerances[i] + this.intervals[i] - backlog) / this.intervals[i], this.bursts[i]));
			free = Math.min(free, limitFree);
		}
		return free;
	}

	/**
	 * Return how many callers of one permit hold a reservation that is not due yet (as
	 * the first limit sees it).
	 * @param state the bucket
	 * @return the waiting callers
	 */
	int waiting(State state) {
		long tat = (long) TAT.getVolatile(state);
		if (tat == GONE) {
			return 0;
		}
		long backlog = tat - this.tolerances[0] - this.clock.getAsLong();
		if (backlog <= 0) {
			return 0;
		}
		return (int) Math.min(Integer.MAX_VALUE, (backlog + this.intervals[0] - 1) / this.intervals[0]);
	}

	/**
	 * Return how long until a call of one permit would be free.
	 * @param state the bucket
	 * @return nanoseconds, 0 if free now
	 */
	long nanosUntilPermit(State state) {
		long now = this.clock.getAsLong();
		long wait = 0;
		for (int i = 0; i < this.intervals.length; i++) {
			long tat = (i == 0) ? (long) TAT.getVolatile(state) : state.more[i - 1];
			if (tat != GONE) {
				wait = Math.max(wait, tat - this.tolerances[i] - now);
			}
		}
		return wait;
	}

	/**
	 * Return how long until every limit of a bucket is full again.
	 * @param state the bucket
	 * @return nanoseconds, 0 if full now
	 */
	long nanosUntilFull(State state) {
		long now = this.clock.getAsLong();
		long until = 0;
		for (int i = 0; i < this.intervals.length; i++) {
			long tat = (i == 0) ? (long) TAT.getVolatile(state) : state.more[i - 1];
			if (tat != GONE) {
				until = Math.max(until, tat - now);
			}
		}
		return until;
	}

	/**
	 * Forget a bucket if it is full: from then on every reservation on it answers
	 * {@link #RETIRED}, and a fresh (full) bucket takes its place, which admits exactly
	 * what it would have admitted.
	 * @param state the bucket
	 * @return {@code true} if it is retired
	 */
	boolean retire(State state) {
		if (this.intervals.length > 1) {
			synchronized (state) {
				if (state.tat == GONE) {
					return true;
				}
				if (nanosUntilFull(state) > 0) {
					return false;
				}
				TAT.setVolatile(state, GONE);
				return true;
			}
		}
		while (true) {
			long tat = (long) TAT.getVolatile(state);
			if (tat == GONE) {
				return true;
			}
			if (tat - this.clock.getAsLong() > 0) {
				return false;
			}
			if (TAT.compareAndSet(state, tat, GONE)) {
				return true;
			}
		}
	}

	/**
	 * The state of one bucket: for each limit, the time at which it would be empty of
	 * reservations. Starts full.
	 */
	static final class State implements KeyedInstances.Retirable {

		private final Limits limits;

		@SuppressWarnings("unused") // accessed through TAT
		private volatile long tat;

		/** The further limits' times, guarded by this object's monitor. */
		private final long[] more;

		/** The token of the last reservation with several limits, under the monitor. */
		private long lastDue = Long.MIN_VALUE;

		State(Limits limits) {
			this.limits = limits;
			long now = limits.clock.getAsLong();
			this.tat = now;
			this.more = new long[limits.intervals.length - 1];
			java.util.Arrays.fill(this.more, now);
		}

		@Override
		public long nanosUntilIdle() {
			return this.limits.nanosUntilFull(this);
		}

		@Override
		public boolean retire() {
			return this.limits.retire(this);
		}

	}

}
