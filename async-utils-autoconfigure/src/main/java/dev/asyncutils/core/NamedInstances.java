package dev.asyncutils.core;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * The instances of one capability that are shared by name (a throttle's bucket, a bounded
 * limit): every method with the same instance name gets the same instance, and two
 * methods that resolve different settings for one name are a startup error.
 *
 * @param <S> the settings type (a record: compared with {@code equals})
 * @param <I> the instance type
 */
public final class NamedInstances<S, I> {

	/** Who created each instance, with which settings: for detecting conflicts. */
	private final Map<String, Entry<S, I>> instances = new ConcurrentHashMap<>();

	private final InstanceCatalog<I> catalog = new InstanceCatalog<>();

	/**
	 * Return the instance of a name, creating it from the given settings on first use.
	 * @param name the instance name
	 * @param settings the settings the caller resolved for that name
	 * @param origin who resolves them, for messages ({@code Client.call(String)})
	 * @param factory creates the instance
	 * @param conflict creates the error when the settings differ from the first ones
	 * @return the shared instance
	 */
	public I obtain(String name, S settings, String origin, Function<S, I> factory, ConflictHandler<S> conflict) {
		Entry<S, I> entry = this.instances.computeIfAbsent(name,
				(key) -> new Entry<>(settings, origin, factory.apply(settings)));
		if (!entry.settings().equals(settings)) {
			throw conflict.conflict(entry.settings(), entry.origin(), settings);
		}
		return this.catalog.obtain(name, (key) -> entry.instance());
	}

	/**
	 * Return the instance of a name, if one exists.
	 * @param name the instance name
	 * @return the instance or {@code null}
	 */
	public @Nullable I find(String name) {
		return this.catalog.find(name);
	}

	/**
	 * Return every instance by name.
	 * @return the instances
	 */
	public Map<String, I> all() {
		return this.catalog.all();
	}

	/**
	 * Return the catalog of the instances, for metrics and the actuator endpoint.
	 * @return the catalog
	 */
	public InstanceCatalog<I> catalog() {
		return this.catalog;
	}

	/**
	 * Creates the error for two different settings of one shared name.
	 *
	 * @param <S> the settings type
	 */
	@FunctionalInterface
	public interface ConflictHandler<S> {

		/**
		 * Create the error.
		 * @param existing the settings the instance was created with
		 * @param existingOrigin who created it
		 * @param requested the differing settings
		 * @return the exception to throw
		 */
		RuntimeException conflict(S existing, String existingOrigin, S requested);

	}

	private record Entry<S, I>(S settings, String origin, I instance) {

	}

}
