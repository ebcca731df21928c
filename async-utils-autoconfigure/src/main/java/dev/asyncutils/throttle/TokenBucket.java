package dev.asyncutils.throttle;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.backend.RemoteThrottle;
import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.backend.RemoteInstance;
import dev.asyncutils.core.KeyedInstances;
import dev.asyncutils.core.admission.Admission;
import dev.asyncutils.core.admission.AdmissionCounters;
import dev.asyncutils.core.admission.KeyedAdmissionInstance;
import dev.asyncutils.core.admission.WaitingCalls;

/**
 * A token bucket: {@code rate} permits per {@code per}, capacity {@code burst}, starting
 * full and refilled continuously. Over any interval of length {@code t}, at most
 * {@code burst + rate * t / per} permits are handed out, whatever the number of threads.
 *
 * <p>
 * The arithmetic is {@link Limits}: with one limit the whole state is one {@code long},
 * the theoretical time at which the bucket would be empty of reservations (the "generic
 * cell rate algorithm" view of a token bucket), and taking permits, now or reserved for
 * later, is one compare-and-set on it: no lock, no background refill, no allocation. The
 * emission interval {@code per / rate} is rounded up to the nanosecond, so rounding can
 * only make the bucket stricter. Further {@code limits} of the instance are taken from at
 * once, atomically.
 *
 * <p>
 * An instance whose calls name a key ({@code @Throttle(key = ...)}) has one bucket per
 * key besides this one (the bucket of a {@code null} key): {@link #forKey(Object)} hands
 * it out. The buckets of the keys share this one's settings, limits and counters. On a
 * remote instance, the bucket of a key admits its calls through the key's remote bucket,
 * and is itself that key's local fallback: this JVM holds a key (within {@code max-keys})
 * until a second after its last call, or after its fallback bucket is full again.
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
 * shared bucket, while the low-level {@link #reserve()} family works on a local bucket of
 * the same settings in this JVM (the {@code local} failure mode falls back to a bucket of
 * this process's share instead).
 */
public final class TokenBucket extends KeyedAdmissionInstance<TokenBucket> {

	/** Why a call is rejected when its permit would come later than its max-wait. */
	static final String BEYOND_MAX_WAIT = "the next permit is further away than max-wait";

	/** Returned by {@link #reserve(long)} when the permit would come too late. */
	public static final long REJECTED = Long.MIN_VALUE;

	/** Returned by {@link #reserveUnlessFree(long)} when the permit is free at once. */
	static final long FREE_NOW = Long.MIN_VALUE + 1;

	/** Returned by {@code reserve} when this key's bucket was forgotten meanwhile. */
	static final long RETIRED = Limits.RETIRED;

	private final ThrottleSettings settings;

	private final Limits limits;

	private final Limits.State state;

	private final long maxWaitNanos;

	private final LongSupplier clock;

	private final WaitingCalls waitingCalls;

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
		this(settings, clock, remote, new AdmissionCounters());
	}

	/**
	 * Create a full bucket that counts into the given counters (a remote instance's
	 * fallback bucket counts into the instance's).
	 */
	TokenBucket(ThrottleSettings settings, LongSupplier clock, @Nullable RemoteThrottle remote,
			AdmissionCounters counters) {
		super(counters, settings.maxKeys(), clock);
		this.settings = settings;
		this.limits = new Limits(settings.allLimits(), clock);
		this.state = this.limits.newState();
		this.maxWaitNanos = (settings.maxWait() != null) ? settings.maxWait().toNanos() : Long.MAX_VALUE;
		this.clock = clock;
		this.waitingCalls = new WaitingCalls();
		this.remote = remote;
		this.admission = (remote != null) ? new RemoteThrottleAdmission(this, remote)
				: new LocalThrottleAdmission(this, 1);
	}

	/**
	 * Create the full bucket of one key of an instance.
	 */
	private TokenBucket(TokenBucket parent, Object key) {
		super(parent, key);
		this.settings = parent.settings;
		this.limits = parent.limits;
		this.state = this.limits.newState();
		this.maxWaitNanos = parent.maxWaitNanos;
		this.clock = parent.clock;
		this.waitingCalls = parent.waitingCalls;
		this.remote = parent.remote;
		// on a remote instance, this bucket is the key's local fallback; its calls ask
		// the key's remote bucket
		this.admission = (parent.admission instanceof RemoteThrottleAdmission shared) ? shared.forKey(this, key)
				: new LocalThrottleAdmission(this, 1);
	}

	@Override
	protected TokenBucket newKey(Object key) {
		return new TokenBucket(this, key);
	}

	@Override
	public ThrottleRejectedException maxKeysReached() {
		return new ThrottleRejectedException(this.settings.name(), KeyedInstances.GRACE,
				"max-keys (" + this.settings.maxKeys()
						+ ") keys hold a bucket; a call with a new key is rejected until one of them is full again");
	}

	/**
	 * Return the most permits one call may take: the smallest burst of the limits.
	 * @return the most permits per call
	 */
	int maxPermits() {
		return this.limits.maxPermits();
	}

	@Override
	public long nanosUntilIdle() {
		return this.limits.nanosUntilFull(this.state);
	}

	@Override
	public boolean retire() {
		return this.limits.retire(this.state);
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
		return reserve(1, maxWaitNanos, false, true);
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
		return reserve(1, maxWaitNanos, true, true);
	}

	/**
	 * Take a permit if one is free right now; count nothing otherwise.
	 * @return {@code true} if a permit was taken
	 */
	boolean takeIfFree() {
		// straight to the limits, not through reserve(): one frame less for the
		// compiler's inlining depth on every call
		return this.limits.reserve(this.state, 1, 0, true, counters(), false) == Limits.FREE_NOW;
	}

	/**
	 * Reserve permits from every limit if they are due within {@code maxWaitNanos}.
	 * @param permits how many, from 1 to {@link #maxPermits()}
	 * @param maxWaitNanos the longest acceptable wait
	 * @param freeNowIfFree answer {@link #FREE_NOW} when they are due at once
	 * @param countRejection count a rejection
	 * @return {@link #FREE_NOW}, a token, {@link #REJECTED}, or {@link #RETIRED} when
	 * this key's bucket was forgotten (take the {@link #current()} one)
	 */
	long reserve(int permits, long maxWaitNanos, boolean freeNowIfFree, boolean countRejection) {
		// never beyond MAX_WAIT_NANOS: with the burst's tolerance and the interval
		// bounded
		// at startup, the backlog stays far from 2^63 ns and never wraps
		long due = this.limits.reserve(this.state, permits, Math.min(maxWaitNanos, MAX_WAIT_NANOS), freeNowIfFree,
				counters(), countRejection);
		if (due == Limits.FREE_NOW || due == Limits.REJECTED || due == Limits.RETIRED) {
			return due;
		}
		// the token form of old: the first limit's state after this reservation
		return due + this.limits.firstSpan();
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
		return Limits.waitNanos(token - this.limits.firstSpan(), now);
	}

	/**
	 * Give a reserved permit back, if no later reservation was made since: then the
	 * bucket is exactly as if the reservation never happened. Otherwise later holders
	 * already counted on it, and it stays consumed.
	 * @param token the reservation token
	 * @return {@code true} if the permit was returned
	 */
	public boolean cancel(long token) {
		return cancel(token, 1);
	}

	boolean cancel(long token, int permits) {
		if (this.limits.cancel(this.state, token - this.limits.firstSpan(), permits)) {
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
		awaitPermit(token, 1);
	}

	void awaitPermit(long token, int permits) {
		long wait = waitNanos(token, this.clock.getAsLong());
		if (wait <= 0) {
			return;
		}
		try {
			this.waitingCalls.enter();
		}
		catch (RuntimeException ex) {
			cancel(token, permits);
			throw ex;
		}
		try {
			while (wait > 0) {
				LockSupport.parkNanos(this, wait);
				if (Thread.interrupted()) {
					cancel(token, permits);
					Thread.currentThread().interrupt();
					throw rejected("interrupted while waiting for a permit");
				}
				if (this.waitingCalls.isShutDown()) {
					cancel(token, permits);
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
		long wait = this.limits.nanosUntilPermit(this.state);
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
		return this.limits.available(this.state);
	}

	/**
	 * Return how many callers hold a reservation whose permit is not due yet.
	 * @return the callers waiting for a permit
	 */
	public int waiting() {
		return this.admission.waiting();
	}

	int localWaiting() {
		return this.limits.waiting(this.state);
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
