package dev.asyncutils.core.admission;

import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.KeySpace;
import dev.asyncutils.core.KeyedInstances;

/**
 * An admission instance whose calls may name a key ({@code @Throttle(key)},
 * {@code @Bounded(key)}): the instance's own (unkeyed) state serves the {@code null} key,
 * and each key value gets an instance of its own with the same settings, created on first
 * use, counted into the instance's counters, held within {@code max-keys} by the
 * instance's {@link KeySpace} and forgotten once idle. A key's instance that was
 * forgotten while a caller still had it answers that caller with its {@link #current()
 * successor}.
 *
 * @param <I> the concrete instance type
 */
public abstract class KeyedAdmissionInstance<I extends KeyedAdmissionInstance<I>> extends AdmissionInstance
		implements KeyedInstances.Retirable {

	/** The instance's own, for the instance of a key; {@code null} for itself. */
	private final @Nullable I parent;

	/** The key of this instance, {@code null} for the instance's own. */
	private final @Nullable Object key;

	/** The instances of the keys: the instance's own holds them; a key's has none. */
	private final @Nullable KeySpace<I> keys;

	/**
	 * Create the instance's own (unkeyed) state.
	 * @param counters the counters of the instance
	 * @param maxKeys the most keys held at once
	 * @param clock the clock on which idle keys are forgotten
	 */
	protected KeyedAdmissionInstance(AdmissionCounters counters, int maxKeys, LongSupplier clock) {
		super(counters);
		this.parent = null;
		this.key = null;
		this.keys = new KeySpace<>(maxKeys, this::newKey, clock);
	}

	/**
	 * Create the state of one key of an instance, counting into the instance's counters.
	 * @param parent the instance's own state
	 * @param key the key value
	 */
	protected KeyedAdmissionInstance(I parent, Object key) {
		super(parent.counters());
		this.parent = parent;
		this.key = key;
		this.keys = null;
	}

	/**
	 * Create the instance of a new key.
	 * @param key the key value
	 * @return its instance, every permit or slot free
	 */
	protected abstract I newKey(Object key);

	/**
	 * Create the exception for a call with a new key while {@code max-keys} keys are held
	 * (not counted: the caller counts the rejection).
	 * @return the exception
	 */
	public abstract RuntimeException maxKeysReached();

	/**
	 * Count a call rejected because its key is new while {@code max-keys} keys are held,
	 * and return its exception.
	 * @return the exception, for the caller to throw or hand on
	 */
	public RuntimeException rejectForMaxKeys() {
		counters().rejected();
		return maxKeysReached();
	}

	@SuppressWarnings("unchecked")
	private I self() {
		return (I) this;
	}

	private KeySpace<I> keySpace() {
		KeyedAdmissionInstance<I> owner = (this.parent != null) ? this.parent : this;
		return Objects.requireNonNull(owner.keys);
	}

	/**
	 * Return the instance of a key: its own state with this instance's settings, created
	 * on first use and forgotten about a second after it is idle again. A {@code null}
	 * key answers the instance's own (unkeyed) state.
	 * @param key the key value
	 * @return the key's instance
	 * @throws RuntimeException the instance's rejection if the key is new and
	 * {@code max-keys} keys are held already
	 */
	public I forKey(@Nullable Object key) {
		if (key == null) {
			return (this.parent != null) ? this.parent : self();
		}
		I instance = keyed(key);
		if (instance == null) {
			throw rejectForMaxKeys();
		}
		return instance;
	}

	/**
	 * Return the instance of a key, or {@code null} if the key is new and
	 * {@code max-keys} keys are held (nothing counted).
	 * @param key the key value
	 * @return the key's instance, or {@code null}
	 */
	public @Nullable I keyed(Object key) {
		return keySpace().get(key);
	}

	/**
	 * Return the instance that now stands for this key's: a key's instance that was
	 * forgotten is replaced by a fresh one.
	 * @return the current instance of the key
	 * @throws RuntimeException the instance's rejection (counted) if the key is new again
	 * and {@code max-keys} keys are held
	 */
	public I current() {
		I parent = this.parent;
		Object key = this.key;
		if (parent == null || key == null) {
			throw new IllegalStateException("The unkeyed state of an instance is never forgotten");
		}
		return parent.forKey(key);
	}

	/**
	 * Use a scheduler to forget idle keys even while no call arrives.
	 * @param timer the scheduler
	 */
	public void keyTimer(ScheduledExecutorService timer) {
		keySpace().timer(timer);
	}

	/**
	 * Mark this instance as keyed: a method evaluates a key for each call.
	 */
	public void markKeyed() {
		keySpace().markKeyed();
	}

	/**
	 * Return whether this instance is keyed: a method names a key, or a caller asked for
	 * a key's instance.
	 * @return {@code true} for a keyed instance
	 */
	public boolean isKeyed() {
		return keySpace().isKeyed();
	}

	/**
	 * Return how many keys' instances are held now.
	 * @return the keys held, 0 for an instance that no call with a key used yet
	 */
	public int keysHeld() {
		return keySpace().size();
	}

	/**
	 * Apply an action to the instance of every key held now.
	 * @param action the action
	 */
	protected void forEachKey(Consumer<? super I> action) {
		keySpace().forEach(action);
	}

}
