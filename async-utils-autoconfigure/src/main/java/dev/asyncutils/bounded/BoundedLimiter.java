package dev.asyncutils.bounded;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.backend.RemoteBounded;
import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.backend.RemoteInstance;
import dev.asyncutils.core.admission.Admission;
import dev.asyncutils.core.admission.AdmissionCounters;
import dev.asyncutils.core.admission.KeyedAdmissionInstance;
import dev.asyncutils.core.admission.Permit;

/**
 * At most {@code maxConcurrent} holders of a slot at once, with a first-come first-served
 * line of waiters (in this JVM: see {@link LocalSlots}).
 *
 * <p>
 * This is also the programmatic twin of {@code @Bounded}: obtain the instance of a name
 * from {@link BoundedRegistry} and hold a {@link Slot} around any code:
 *
 * <pre class="code">
 * try (Slot slot = limiter.acquire()) {
 *     render();
 * }
 * </pre>
 *
 * <p>
 * An instance with {@code backend: redis} keeps its slots in Redis, shared by every JVM
 * that uses its name: {@link #acquire()}, {@link #tryAcquire()}, {@link #active()},
 * {@link #availableSlots()} and the counters then speak for those shared slots
 * ({@code active} as of the last answer from Redis), and {@link #waiting()} counts the
 * waiters of this JVM. A slot taken from the local fallback while Redis is unavailable
 * goes back to that fallback, never to Redis.
 *
 * <p>
 * An instance whose calls name a key ({@code @Bounded(key = ...)}) has one limit per key
 * besides this one (the limit of a {@code null} key): {@link #forKey(Object)} hands it
 * out. The limits of the keys share this one's settings and counters, each with its own
 * slots and line of waiters; a key's limit is forgotten about a second after nobody holds
 * or waits for one of its slots.
 */
public final class BoundedLimiter extends KeyedAdmissionInstance<BoundedLimiter> {

	/** Why a call is rejected when no slot is free and it may not wait. */
	static final String NO_WAIT = "no free slot and max-wait is 0";

	/** Why a call is rejected when the line is full. */
	static final String QUEUE_FULL = "max-queued callers already wait";

	/** Why a waiting call is rejected once its max-wait passed. */
	static final String WAITED_TOO_LONG = "no slot within max-wait";

	private final BoundedSettings settings;

	private final long maxWaitNanos;

	private final @Nullable RemoteInstance remote;

	/** The slots in this JVM: the instance's, or the local fallback of a remote one. */
	private final LocalSlots local;

	private final SlotAdmission admission;

	/**
	 * Create a limiter with every slot free.
	 * @param settings the validated settings
	 */
	public BoundedLimiter(BoundedSettings settings) {
		this(settings, null);
	}

	/**
	 * Create a limiter with every slot free, backed by remote slots if given.
	 * @param settings the validated settings
	 * @param remote the slots in a remote store, {@code null} for a local instance
	 */
	public BoundedLimiter(BoundedSettings settings, @Nullable RemoteBounded remote) {
		this(settings, remote, System::nanoTime);
	}

	/**
	 * Create a limiter whose keys' limits are forgotten on the given clock.
	 */
	BoundedLimiter(BoundedSettings settings, @Nullable RemoteBounded remote, LongSupplier clock) {
		super(new AdmissionCounters(), settings.maxKeys(), clock);
		this.settings = settings;
		this.maxWaitNanos = (settings.maxWait() != null) ? settings.maxWait().toNanos() : Long.MAX_VALUE;
		this.remote = remote;
		this.local = new LocalSlots(this, null);
		this.admission = (remote != null) ? new RemoteSlots(this, remote, this.local) : this.local;
	}

	/**
	 * Create the limit of one key, every slot free.
	 */
	private BoundedLimiter(BoundedLimiter parent, Object key) {
		super(parent, key);
		this.settings = parent.settings;
		this.maxWaitNanos = parent.maxWaitNanos;
		this.remote = parent.remote;
		this.local = new LocalSlots(this, parent.local);
		// on a remote instance, these local slots are the key's fallback; its calls ask
		// the key's remote slots
		this.admission = (parent.admission instanceof RemoteSlots shared) ? shared.forKey(this, this.local, key)
				: this.local;
	}

	@Override
	protected BoundedLimiter newKey(Object key) {
		return new BoundedLimiter(this, key);
	}

	@Override
	public BoundedRejectedException maxKeysReached() {
		return new BoundedRejectedException(this.settings.name(), this.settings.maxConcurrent(),
				"max-keys (" + this.settings.maxKeys()
						+ ") keys hold a limit; a call with a new key is rejected until one of them is idle again");
	}

	@Override
	public long nanosUntilIdle() {
		// busy with no known end, or idle: retire() tells
		return 0;
	}

	@Override
	public boolean retire() {
		return this.local.retire();
	}

	/**
	 * Return the slots of this limit in this JVM.
	 * @return the local slots (the fallback of a remote instance)
	 */
	LocalSlots localSlots() {
		return this.local;
	}

	/**
	 * End every call waiting for a slot of this instance or of one of its keys, and
	 * refuse new waits: the application is shutting down. Idempotent.
	 */
	void shutDown() {
		this.admission.shutDown();
		forEachKey((limiter) -> limiter.admission.shutDown());
	}

	/**
	 * Return the remote slots behind this instance.
	 * @return the remote state, {@code null} for a local instance
	 */
	public @Nullable RemoteInstance remote() {
		return this.remote;
	}

	/**
	 * Return the guard that admits the calls of this instance: the engine of
	 * {@code @Bounded}, local or remote.
	 * @return the admission
	 */
	@Override
	public Admission admission() {
		return this.admission;
	}

	/**
	 * Return the settings of this limiter.
	 * @return the settings
	 */
	public BoundedSettings settings() {
		return this.settings;
	}

	/**
	 * Return the most invocations in flight at once.
	 * @return the limit
	 */
	public int limit() {
		return this.settings.maxConcurrent();
	}

	/**
	 * Return the number of slots held right now.
	 * @return the active holders
	 */
	public int active() {
		return this.admission.active();
	}

	/**
	 * Return the number of free slots.
	 * @return the free slots
	 */
	public int availableSlots() {
		return Math.max(0, this.settings.maxConcurrent() - this.admission.active());
	}

	/**
	 * Return the number of callers waiting in line.
	 * @return the waiting callers
	 */
	public int waiting() {
		return this.admission.waiting();
	}

	/**
	 * Return the longest a caller may wait, in nanoseconds ({@link Long#MAX_VALUE} if
	 * unbounded).
	 * @return the maximum wait
	 */
	long maxWaitNanos() {
		return this.maxWaitNanos;
	}

	/**
	 * Take a free slot if there is one and nobody waits for it.
	 * @return the slot (close it to give it back), or {@code null} if none is free
	 */
	public @Nullable Slot tryAcquire() {
		Permit permit = this.admission.tryAcquire();
		return (permit != null) ? new Slot(this.settings.name(), permit) : null;
	}

	/**
	 * Take a slot, waiting in line up to {@code maxWait}.
	 * @return the slot: close it to give it back
	 * @throws BoundedRejectedException if the line is full, the wait exceeded
	 * {@code maxWait}, or the thread was interrupted while waiting (the interrupt flag is
	 * then set)
	 */
	public Slot acquire() {
		return new Slot(this.settings.name(), this.admission.admit());
	}

	/**
	 * Create the exception for a rejected call, and count it.
	 * @param reason why the call is rejected
	 * @return the exception
	 */
	public BoundedRejectedException rejected(String reason) {
		counters().rejected();
		return new BoundedRejectedException(this.settings.name(), this.settings.maxConcurrent(), reason);
	}

	@Override
	public String toString() {
		return "BoundedLimiter '" + this.settings.name() + "' (" + active() + "/" + limit() + " active, " + waiting()
				+ " waiting, max-wait " + ((this.maxWaitNanos == Long.MAX_VALUE) ? "unbounded"
						: TimeUnit.NANOSECONDS.toMillis(this.maxWaitNanos) + "ms")
				+ ")";
	}

}
