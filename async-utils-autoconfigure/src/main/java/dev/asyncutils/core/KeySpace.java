package dev.asyncutils.core;

import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

/**
 * The keys of one named instance that calls may key ({@code @Throttle(key)},
 * {@code @Bounded(key)}): its {@link KeyedInstances}, created on the first keyed use (an
 * instance no call keys costs one object), whether a method keys its calls, and the
 * scheduler that forgets idle keys while no call arrives. Held by every
 * {@link dev.asyncutils.core.admission.KeyedAdmissionInstance}.
 *
 * @param <I> the instance type of one key
 */
public final class KeySpace<I extends KeyedInstances.Retirable> {

	private final int maxKeys;

	private final Function<Object, I> factory;

	private final LongSupplier clock;

	private volatile @Nullable KeyedInstances<I> keys;

	private volatile @Nullable ScheduledExecutorService timer;

	private volatile boolean keyedByMethod;

	/**
	 * Create the keys of an instance.
	 * @param maxKeys the most keys held at once
	 * @param factory creates the instance of a new key, given the key
	 * @param clock the clock of the instances ({@link System#nanoTime()}-like)
	 */
	public KeySpace(int maxKeys, Function<Object, I> factory, LongSupplier clock) {
		this.maxKeys = maxKeys;
		this.factory = factory;
		this.clock = clock;
	}

	/**
	 * Return the instance of a key, creating it if the key is new.
	 * @param key the key value
	 * @return the instance, or {@code null} if the key is new and {@code max-keys} keys
	 * are held already
	 */
	public @Nullable I get(Object key) {
		KeyedInstances<I> keys = this.keys;
		if (keys == null) {
			keys = create();
		}
		return keys.get(key);
	}

	private synchronized KeyedInstances<I> create() {
		KeyedInstances<I> keys = this.keys;
		if (keys == null) {
			keys = new KeyedInstances<>(this.maxKeys, this.factory, this.clock, this.timer);
			this.keys = keys;
		}
		return keys;
	}

	/**
	 * Use a scheduler to forget idle keys even while no call arrives; the first one given
	 * counts (call it before the first keyed use).
	 * @param timer the scheduler
	 */
	public void timer(ScheduledExecutorService timer) {
		if (this.timer == null) {
			this.timer = timer;
		}
	}

	/**
	 * Mark the instance as keyed: a method evaluates a key for each call.
	 */
	public void markKeyed() {
		this.keyedByMethod = true;
	}

	/**
	 * Return whether the instance is keyed: a method names a key, or a caller asked for a
	 * key's instance.
	 * @return {@code true} for a keyed instance
	 */
	public boolean isKeyed() {
		return this.keyedByMethod || this.keys != null;
	}

	/**
	 * Return how many keys are held now.
	 * @return the keys held, 0 before the first keyed use
	 */
	public int size() {
		KeyedInstances<I> keys = this.keys;
		return (keys != null) ? keys.size() : 0;
	}

	/**
	 * Apply an action to the instance of every key held now, including those that expired
	 * while still in use.
	 * @param action the action
	 */
	public void forEach(Consumer<? super I> action) {
		KeyedInstances<I> keys = this.keys;
		if (keys != null) {
			keys.forEach(action);
		}
	}

	/**
	 * Return the most keys held at once.
	 * @return max-keys
	 */
	public int maxKeys() {
		return this.maxKeys;
	}

}
