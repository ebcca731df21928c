package dev.asyncutils.core;

import java.lang.annotation.Annotation;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * The instances of one capability shared by name (throttle buckets, bounded limits): the
 * ones annotated methods use, and the ones only properties configure, created at startup
 * so that their settings are checked then. Two methods that resolve different settings
 * for one name are a startup error.
 *
 * @param <A> the annotation type
 * @param <S> the settings type (compared with {@code equals})
 * @param <I> the instance type
 */
public abstract class InstanceRegistry<A extends Annotation, S, I> implements SmartInitializingSingleton {

	private final String kind;

	private final String annotation;

	private final String requiredProperty;

	private final NamedInstances<S, I> instances = new NamedInstances<>();

	/**
	 * Create a registry.
	 * @param kind the property group ({@code throttle}, {@code bounded})
	 * @param annotation the annotation's simple name
	 * @param requiredProperty the property a configured instance needs at least
	 */
	protected InstanceRegistry(String kind, String annotation, String requiredProperty) {
		this.kind = kind;
		this.annotation = annotation;
		this.requiredProperty = requiredProperty;
	}

	/**
	 * Return the instance of a name. An instance that no annotated method uses is created
	 * from its properties on first use.
	 * @param name the instance name
	 * @return the shared instance
	 * @throws IllegalArgumentException if no method uses that name and no property
	 * configures it
	 */
	public I get(String name) {
		I instance = this.instances.find(name);
		if (instance != null) {
			return instance;
		}
		if (!configuredNames().contains(name)) {
			throw new IllegalArgumentException("No " + this.kind + " instance '" + name + "': no @" + this.annotation
					+ " method uses that name and '"
					+ ReadableSettings.instanceProperty(this.kind, name, this.requiredProperty) + "' is not set");
		}
		S settings = resolve(Settings.forConfiguredInstance(this.kind, this.annotation, name), null);
		return obtain(name, settings, "property '" + ReadableSettings.instanceProperty(this.kind, name, "") + "'");
	}

	/**
	 * Return every instance by name.
	 * @return the instances
	 */
	public Map<String, I> all() {
		return this.instances.all();
	}

	/**
	 * Return the catalog of the instances, for metrics and the actuator endpoint.
	 * @return the catalog
	 */
	public InstanceCatalog<I> catalog() {
		return this.instances.catalog();
	}

	/**
	 * Create every instance configured in properties, so their settings are checked at
	 * startup.
	 */
	@Override
	public void afterSingletonsInstantiated() {
		configuredNames().forEach(this::get);
	}

	/**
	 * Return the instance of a name for the given settings, creating it on first use.
	 * @param name the instance name
	 * @param settings the settings resolved for it
	 * @param origin who resolved them, for messages
	 * @return the shared instance
	 * @throws AsyncUtilsConfigurationException if the instance exists with other settings
	 */
	protected I obtain(String name, S settings, String origin) {
		return this.instances.obtain(name, settings, origin, this::create,
				(existing, existingOrigin, requested) -> conflict(name, origin, requested, existingOrigin, existing));
	}

	private AsyncUtilsConfigurationException conflict(String name, String origin, S requested, String existingOrigin,
			S existing) {
		List<ReadableSettings.Difference> differences = ReadableSettings.differences(requested, existing);
		StringJoiner here = new StringJoiner(", ");
		StringJoiner there = new StringJoiner(", ");
		StringJoiner properties = new StringJoiner(", ");
		for (ReadableSettings.Difference difference : differences) {
			here.add(difference.property() + " " + difference.here());
			there.add(difference.property() + " " + difference.there());
			properties.add("'" + ReadableSettings.instanceProperty(this.kind, name, difference.property()) + "'");
		}
		if (differences.isEmpty()) {
			here.add(ReadableSettings.describe(requested));
			there.add(ReadableSettings.describe(existing));
			properties.add("'" + ReadableSettings.instanceProperty(this.kind, name, "") + "'");
		}
		return new AsyncUtilsConfigurationException("@" + this.annotation + "(name = \"" + name + "\") on " + origin,
				here.toString(), "conflicts with " + there + " of the same instance on " + existingOrigin
						+ "; methods sharing a name must agree, or set the values once as " + properties);
	}

	/**
	 * Return the names configured under {@code async-utils.<kind>.instances}.
	 * @return the configured names
	 */
	protected abstract Set<String> configuredNames();

	/**
	 * Resolve the effective settings of one instance.
	 * @param settings the resolver for that instance
	 * @param annotation the annotation, {@code null} for a property-only instance
	 * @return the validated settings
	 */
	protected abstract S resolve(Settings settings, @Nullable A annotation);

	/**
	 * Create an instance.
	 * @param settings its validated settings
	 * @return the instance
	 */
	protected abstract I create(S settings);

}
