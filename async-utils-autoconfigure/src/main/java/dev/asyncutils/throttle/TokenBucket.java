package dev.asyncutils.throttle;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.backend.RemoteInstance;
import dev.asyncutils.core.admission.Admission;
import dev.asyncutils.core.admission.AdmissionInstance;
import dev.asyncutils.core.admission.WaitingCalls;

/**
 * A token bucket: {@code rate} permits per {@code per}, capacity {@code burst}, starting
 * full and refilled continuously. Over any interval of length {@code t}, at most
 * {@code burst + rate * t / per} permits are handed out, whatever the number of threads.
 *
 * <p>
 * The whole state is one {@code long}: the theoretical time at which the bucket would be
 * empty of reservations (the "generic cell rate algorithm" view of a token bucket).
 * Taking a permit, now or reserved for later, is one compare-and-set on it: no lock, no
 * background refill, no allocation. The emission interval {@code per / rate} is rounded
 * up to the nanosecond, so rounding can only make the bucket stricter.
 *
 * <p>
 * This is also the programmatic twin of {@code @Throttle}: obtain the instance of a name
 * from {@link ThrottleRegistry} and call {@link #acquire()} or {@link #tryAcquire()}
 * around any code.
 *
 * <p>
 * An instance with {@code backend: redis} keeps its bucket in Redis, shared by every JVM
 * that uses its name: {@link #acquire()}, {@link #tryAcquire()},
 * {@link #availablePermits()}, {@link #waiting()} and the counters then speak for that
 * shared bucket, while the low-level {@link #reserve()} family works on the local bucket
 * of the same settings, the one the {@code local} failure mode falls back to.
 */
public final class TokenBucket extends AdmissionInstance {

	/** Why a call is rejected when its permit would come later than its max-wait. */
	static final String BEYOND_MAX_WAIT = "the next permit is further away than max-wait";

	/** Returned by {@link #reserve(long)} when the permit would come too late. */
	public static final long REJECTED = Long.MIN_VALUE;

	/** Returned by {@link #reserveUnlessFree(long)} when the permit is free at once. */
	static final long FREE_NOW = Long.MIN_VALUE + 1;

	private static final VarHandle TAT;

	static {
		try {
			TAT = MethodHandles.lookup().findVarHandle(TokenBucket.class, "tat", long.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final ThrottleSettings settings;

	private final long interval;

	private final long tolerance;

	private final long maxWaitNanos;

	private final LongSupplier clock;

	@SuppressWarnings("unused") // accessed through TAT
	private volatile long tat;

	private final WaitingCalls waitingCalls = new WaitingCalls();

	/** Who admits the calls: this bucket, or the remote bucket of the same settings. */
	private final ThrottleAdmission admission;

	private final @Nullable RemoteInstance remote;

	/**
	 * Create a full bucket.
	 * @param settings the validated settings
	 * @param clock the source of {@link System#nanoTime()}-like readings
	 */
	public TokenBucket(ThrottleSettings settings, LongSupplier clock) {
		this(settings, clock, null);
	}

	/**
	 * Create a full bucket, backed by a remote one if given.
	 * @param settings the validated settings
	 * @param clock the source of {@link System#nanoTime()}-like readings
	 * @param remote the shared bucket in a remote store, {@code null} for a local
	 * instance
	 */
	public TokenBucket(ThrottleSettings settings, LongSupplier clock, @Nullable RemoteThrottle remote) {
		this.settings = settings;
		this.interval = settings.intervalNanos();
		this.tolerance = this.interval * (settings.burst() - 1L);
		this.maxWaitNanos = (settings.maxWait() != null) ? settings.maxWait().toNanos() : Long.MAX_VALUE;
		this.clock = clock;
		this.tat = clock.getAsLong();
		this.remote = remote;
		this.admission = (remote != null) ? new RemoteThrottleAdmission(this, remote)
				: new LocalThrottleAdmission(this);
	}

	/**
	 * Return the settings of this bucket.
	 * @return the settings
	 */
	public ThrottleSettings settings() {
		return this.settings;
	}

	/**
	 * Return the remote bucket behind this instance.
	 * @return the remote state, {@code null} for a local instance
	 */
	public @Nullable RemoteInstance remote() {
		return this.remote;
	}

	/**
	 * Return the guard that admits the calls of this instance: the engine of
	 * {@code @Throttle}, local or remote.
	 * @return the admission
	 */
	@Override
	public Admission admission() {
		return this.admission;
	}

	WaitingCalls waitingCalls() {
		return this.waitingCalls;
	}

	/**
	 * Return the current reading of this bucket's clock.
	 * @return nanoseconds on the bucket's time line
	 */
	public long now() {
		return this.clock.getAsLong();
	}

	/**
	 * Return the longest a caller waits for a permit, as configured.
	 * @return nanoseconds, {@link Long#MAX_VALUE} for no limit
	 */
	long maxWaitNanos() {
		return this.maxWaitNanos;
	}

	/**
	 * Reserve the next permit if it is free within {@code maxWaitNanos}.
	 * @param maxWaitNanos the longest acceptable wait
	 * @return a reservation token (pass it to {@link #waitNanos(long, long)} and
	 * {@link #cancel(long)}), or {@link #REJECTED} without reserving anything
	 */
	public long reserve(long maxWaitNanos) {
		return reserve(maxWaitNanos, false, true);
	}

	/**
	 * Like {@link #reserve(long)}, but answer {@link #FREE_NOW} instead of a token when
	 * the permit is free at once: the caller then needs neither a second clock reading
	 * nor a token to give back.
	 * @param maxWaitNanos the longest acceptable wait
	 * @return {@link #FREE_NOW}, a reservation token for a permit due later, or
	 * {@link #REJECTED}
	 */
	long reserveUnlessFree(long maxWaitNanos) {
		return reserve(maxWaitNanos, true, true);
	}

	/**
	 * Take a permit if one is free right now; count nothing otherwise.
	 * @return {@code true} if a permit was taken
	 */
	boolean takeIfFree() {
		return reserve(0, true, false) != REJECTED;
	}

	private long reserve(long maxWaitNanos, boolean freeNowIfFree, boolean countRejection) {
		while (true) {
			long tat = (long) TAT.getVolatile(this);
			// the clock is read after the state, on every pass: a reading older than
			// the state could refuse a free permit, or date a permit back and so let
			// later ones through early
			long now = this.clock.getAsLong();
			long base = (tat - now > 0) ? tat : now;
			long wait = base - this.tolerance - now;
			// never beyond MAX_WAIT_NANOS: with the burst's tolerance and the interval
			// bounded at startup, the backlog stays far from 2^63 ns and never wraps
			if (wait > maxWaitNanos || wait > MAX_WAIT_NANOS) {
				if (countRejection) {
					counters().rejected();
				}
				return REJECTED;
			}
			long next = base + this.interval;
			if (TAT.compareAndSet(this, tat, next)) {
				counters().permitted(wait);
				return (wait <= 0 && freeNowIfFree) ? FREE_NOW : next;
			}
			// lost the race to another caller: give up the core before trying again, so
			// that with more busy threads than cores the winner goes on undisturbed
			// instead of every thread re-reading and failing (measured: 2 and 4 threads
			// on 2 cores reach the one-thread throughput this way, not with a spin)
			Thread.yield();
		}
	}

	/**
	 * Reserve the next permit if it is free within the configured {@code maxWait}.
	 * @return a reservation token, or {@link #REJECTED}
	 */
	public long reserve() {
		return reserve(this.maxWaitNanos);
	}

	/**
	 * Return how long the holder of a reservation must still wait for its permit.
	 * @param token the reservation token
	 * @param now a reading of {@link #now()}
	 * @return the remaining wait in nanoseconds, 0 if the permit is free
	 */
	public long waitNanos(long token, long now) {
		long wait = token - this.interval - this.tolerance - now;
		return (wait > 0) ? wait : 0;
	}

	/**
	 * Give a reserved permit back, if no later reservation was made since: then the
	 * bucket is exactly as if the reservation never happened. Otherwise later holders
	 * already counted on it, and it stays consumed.
	 * @param token the reservation token
	 * @return {@code true} if the permit was returned
	 */
	public boolean cancel(long token) {
		if (TAT.compareAndSet(this, token, token - this.interval)) {
			counters().unpermitted();
			return true;
		}
		return false;
	}

	/**
	 * Take a permit if one is free right now.
	 * @return {@code true} if a permit was taken
	 */
	public boolean tryAcquire() {
		return this.admission.tryAcquire();
	}

	/**
	 * Take a permit, waiting for it up to the configured {@code maxWait}.
	 * @throws ThrottleRejectedException if the permit would come later than
	 * {@code maxWait}, or if the thread is interrupted while it waits (the interrupt flag
	 * is then set)
	 */
	public void acquire() {
		this.admission.admit();
	}

	/**
	 * Wait until the permit of a reservation is free; on interrupt, give it back where
	 * possible.
	 * @param token the reservation token
	 * @throws ThrottleRejectedException if interrupted (the interrupt flag is then set)
	 * @throws java.util.concurrent.RejectedExecutionException if the application is
	 * shutting down
	 */
	public void awaitPermit(long token) {
		long wait = waitNanos(token, this.clock.getAsLong());
		if (wait <= 0) {
			return;
		}
		try {
			this.waitingCalls.enter();
		}
		catch (RuntimeException ex) {
			cancel(token);
			throw ex;
		}
		try {
			while (wait > 0) {
				LockSupport.parkNanos(this, wait);
				if (Thread.interrupted()) {
					cancel(token);
					Thread.currentThread().interrupt();
					throw rejected("interrupted while waiting for a permit");
				}
				if (this.waitingCalls.isShutDown()) {
					cancel(token);
					throw WaitingCalls.shuttingDown();
				}
				wait = waitNanos(token, this.clock.getAsLong());
			}
		}
		finally {
			this.waitingCalls.leave();
		}
	}

	/**
	 * Return how long until a permit is free.
	 * @return the wait, zero if a permit is free now
	 */
	public Duration timeUntilPermit() {
		long now = this.clock.getAsLong();
		long tat = (long) TAT.getVolatile(this);
		long wait = tat - this.tolerance - now;
		return Duration.ofNanos((wait > 0) ? wait : 0);
	}

	/**
	 * Return how many permits could be taken back to back right now.
	 * @return the free permits, between 0 and {@code burst}
	 */
	public int availablePermits() {
		return this.admission.availablePermits();
	}

	int localAvailablePermits() {
		long now = this.clock.getAsLong();
		long tat = (long) TAT.getVolatile(this);
		long backlog = tat - now;
		if (backlog <= 0) {
			return this.settings.burst();
		}
		long free = (this.tolerance + this.interval - backlog) / this.interval;
		return (int) Math.max(0, Math.min(free, this.settings.burst()));
	}

	/**
	 * Return how many callers hold a reservation whose permit is not due yet.
	 * @return the callers waiting for a permit
	 */
	public int waiting() {
		return this.admission.waiting();
	}

	int localWaiting() {
		long backlog = (long) TAT.getVolatile(this) - this.tolerance - this.clock.getAsLong();
		if (backlog <= 0) {
			return 0;
		}
		return (int) Math.min(Integer.MAX_VALUE, (backlog + this.interval - 1) / this.interval);
	}

	/**
	 * Create the exception for a rejected call.
	 * @param reason why the call is rejected
	 * @return the exception, with the time until the next permit
	 */
	public ThrottleRejectedException rejected(String reason) {
		return new ThrottleRejectedException(this.settings.name(), timeUntilPermit(), reason);
	}

	@Override
	public String toString() {
		return "TokenBucket '" + this.settings.name() + "' (" + this.settings.rate() + " per "
				+ TimeUnit.NANOSECONDS.toMillis(this.settings.per().toNanos()) + "ms, burst " + this.settings.burst()
				+ ")";
	}

}
