package dev.asyncutils.bounded;

import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.backend.RemoteInstance;
import dev.asyncutils.core.KeySpace;
import dev.asyncutils.core.KeyedInstances;
import dev.asyncutils.core.admission.Admission;
import dev.asyncutils.core.admission.AdmissionInstance;
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
public final class BoundedLimiter extends AdmissionInstance implements KeyedInstances.Retirable {

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

	/** The instance's unkeyed limit, for the limit of a key; {@code null} for itself. */
	private final @Nullable BoundedLimiter parent;

	/** The key of this limit, {@code null} for the instance's unkeyed limit. */
	private final @Nullable Object key;

	/** The limits of the keys: the unkeyed limit's; the limit of a key has none. */
	private final @Nullable KeySpace<BoundedLimiter> keys;

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
		this.settings = settings;
		this.maxWaitNanos = (settings.maxWait() != null) ? settings.maxWait().toNanos() : Long.MAX_VALUE;
		this.remote = remote;
		this.parent = null;
		this.key = null;
		this.keys = new KeySpace<>(settings.maxKeys(), (key) -> new BoundedLimiter(this, key), clock);
		this.local = new LocalSlots(this, null);
		this.admission = (remote != null) ? new RemoteSlots(this, remote, this.local) : this.local;
	}

	/**
	 * Create the limit of one key, every slot free.
	 */
	private BoundedLimiter(BoundedLimiter parent, Object key) {
		super(parent.counters());
		this.settings = parent.settings;
		this.maxWaitNanos = parent.maxWaitNanos;
		this.remote = parent.remote;
		this.parent = parent;
		this.key = key;
		this.keys = null;
		this.local = new LocalSlots(this, parent.local);
		// on a remote instance, these local slots are the key's fallback; its calls ask
		// the key's remote slots
		this.admission = (parent.admission instanceof RemoteSlots shared) ? shared.forKey(this, this.local, key)
				: this.local;
	}

	/**
	 * Return the limit of a key: its own slots and line with this instance's settings,
	 * created on first use and forgotten about a second after nobody holds or waits for
	 * one of its slots. A {@code null} key answers this (the unkeyed) limit.
	 * @param key the key value
	 * @return the key's limit
	 * @throws BoundedRejectedException if the key is new and {@code max-keys} keys are
	 * held already
	 */
	public BoundedLimiter forKey(@Nullable Object key) {
		if (key == null) {
			return (this.parent != null) ? this.parent : this;
		}
		BoundedLimiter limiter = keyed(key);
		if (limiter == null) {
			throw maxKeysReached();
		}
		return limiter;
	}

	/**
	 * Return the limit of a key, or {@code null} if the key is new and max-keys keys are
	 * held.
	 * @param key the key value
	 * @return the key's limit or {@code null}
	 */
	@Nullable BoundedLimiter keyed(Object key) {
		return keySpace().get(key);
	}

	private KeySpace<BoundedLimiter> keySpace() {
		BoundedLimiter owner = (this.parent != null) ? this.parent : this;
		return Objects.requireNonNull(owner.keys);
	}

	/**
	 * Use a scheduler to forget the limits of idle keys even while no call arrives.
	 * @param timer the scheduler
	 */
	void keyTimer(ScheduledExecutorService timer) {
		keySpace().timer(timer);
	}

	/**
	 * Mark this instance as keyed: a method evaluates a key for each call.
	 */
	void markKeyed() {
		keySpace().markKeyed();
	}

	/**
	 * Return whether this instance is keyed: a method names a key, or a caller asked for
	 * a key's limit.
	 * @return {@code true} for a keyed instance
	 */
	public boolean isKeyed() {
		return keySpace().isKeyed();
	}

	/**
	 * Return how many keys' limits are held now.
	 * @return the keys held, 0 for an instance that no call with a key used yet
	 */
	public int keysHeld() {
		return keySpace().size();
	}

	/**
	 * Return the limit that now stands for this one's key: a key's limit that was
	 * forgotten is replaced by a fresh one.
	 * @return the current limit of the key
	 * @throws BoundedRejectedException if max-keys keys are held
	 */
	BoundedLimiter successor() {
		BoundedLimiter parent = this.parent;
		Object key = this.key;
		if (parent == null || key == null) {
			throw new IllegalStateException("The unkeyed limit is never retired");
		}
		return parent.forKey(key);
	}

	/**
	 * Create the exception for a call with a new key while max-keys keys are held, and
	 * count it.
	 * @return the exception
	 */
	BoundedRejectedException maxKeysReached() {
		return rejected("max-keys (" + this.settings.maxKeys()
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
		KeySpace<BoundedLimiter> keys = this.keys;
		if (keys != null) {
			keys.forEach((limiter) -> limiter.admission.shutDown());
		}
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
