package dev.asyncutils.core;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * The live instances of one capability by name, for metrics and the actuator endpoint:
 * whoever lists them sees every instance created so far, and a listener sees every
 * instance created later.
 *
 * @param <I> the instance type
 */
public final class InstanceCatalog<I> {

	private final Map<String, I> instances = new TreeMap<>();

	private final List<BiConsumer<String, I>> listeners = new ArrayList<>();

	/**
	 * Return the instance of a name, creating it on first use.
	 * @param name the instance name
	 * @param factory creates the instance
	 * @return the instance
	 */
	public I obtain(String name, Function<String, I> factory) {
		I created;
		List<BiConsumer<String, I>> listeners;
		synchronized (this) {
			I existing = this.instances.get(name);
			if (existing != null) {
				return existing;
			}
			created = factory.apply(name);
			this.instances.put(name, created);
			listeners = List.copyOf(this.listeners);
		}
		listeners.forEach((listener) -> listener.accept(name, created));
		return created;
	}

	/**
	 * Return the instance of a name.
	 * @param name the instance name
	 * @return the instance, or {@code null}
	 */
	public synchronized @Nullable I find(String name) {
		return this.instances.get(name);
	}

	/**
	 * Return every instance by name, sorted by name.
	 * @return a snapshot of the instances
	 */
	public synchronized Map<String, I> all() {
		return Collections.unmodifiableMap(new TreeMap<>(this.instances));
	}

	/**
	 * Call a listener for every instance that exists and every one created later.
	 * @param listener receives the name and the instance
	 */
	public void forEachNowAndLater(BiConsumer<String, I> listener) {
		Map<String, I> existing;
		synchronized (this) {
			existing = new TreeMap<>(this.instances);
			this.listeners.add(listener);
		}
		existing.forEach(listener);
	}

}
