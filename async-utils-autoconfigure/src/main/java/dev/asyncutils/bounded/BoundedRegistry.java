package dev.asyncutils.bounded;

import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;

import dev.asyncutils.backend.BoundedBackend;
import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.backend.BackendSettings;
import dev.asyncutils.backend.Backends;
import dev.asyncutils.core.InstanceRegistry;
import dev.asyncutils.core.Settings;
import dev.asyncutils.core.Settings.Setting;
import dev.asyncutils.core.admission.AdmissionInstance;

/**
 * Every bounded instance by name: the limits of {@code @Bounded} methods, and the ones
 * configured under {@code async-utils.bounded.instances} only. Inject it to use the same
 * limit around code without annotations:
 *
 * <pre class="code">
 * BoundedLimiter reports = bounded.get("reports");
 * try (Slot slot = reports.acquire()) { // waits up to max-wait, or throws
 *     render();
 * }
 * </pre>
 */
public class BoundedRegistry extends InstanceRegistry<Bounded, BoundedSettings, BoundedLimiter>
		implements DisposableBean {

	private final BoundedProperties properties;

	private final Supplier<@Nullable BoundedBackend> backend;

	/**
	 * Create a registry.
	 * @param properties the {@code async-utils.bounded} properties
	 */
	public BoundedRegistry(BoundedProperties properties) {
		this(properties, () -> null);
	}

	/**
	 * Create a registry with a remote backend for the instances whose {@code backend}
	 * property asks for one.
	 * @param properties the {@code async-utils.bounded} properties
	 * @param backend supplies the remote backend, or {@code null} when no backend module
	 * is present
	 */
	public BoundedRegistry(BoundedProperties properties, Supplier<@Nullable BoundedBackend> backend) {
		super("bounded", "Bounded", "max-concurrent");
		this.properties = properties;
		this.backend = backend;
	}

	@Override
	protected Set<String> configuredNames() {
		return this.properties.getInstances().keySet();
	}

	@Override
	protected BoundedLimiter create(BoundedSettings settings) {
		if (!settings.backend().isRemote()) {
			return new BoundedLimiter(settings);
		}
		BoundedBackend backend = this.backend.get();
		if (backend == null) {
			throw new IllegalStateException("No BoundedBackend for " + settings);
		}
		return new BoundedLimiter(settings, backend.bounded(settings));
	}

	/**
	 * End every call waiting for a slot of any instance, and refuse new waits: the
	 * application is shutting down. Idempotent.
	 */
	public void shutDown() {
		all().values().forEach(BoundedLimiter::shutDown);
	}

	@Override
	public void destroy() {
		shutDown();
	}

	BoundedLimiter obtain(BoundedSettings settings, String origin) {
		return obtain(settings.name(), settings, origin);
	}

	/**
	 * Resolve the effective settings of one bounded instance.
	 * @param settings the resolver for that instance
	 * @param annotation the annotation, {@code null} for a property-only instance
	 * @return the validated settings
	 */
	@Override
	protected BoundedSettings resolve(Settings settings, @Nullable Bounded annotation) {
		String name = settings.instance();
		BoundedProperties.Spec instance = this.properties.getInstances().get(name);
		BoundedProperties.Spec defaults = this.properties.getDefaults();
		Setting<Integer> maxConcurrent = settings.pick("value", "max-concurrent",
				(instance != null) ? instance.getMaxConcurrent() : null,
				(annotation != null) ? Settings.unlessUnset(annotation.value(), 0) : null, defaults.getMaxConcurrent(),
				null);
		if (maxConcurrent.value() == null) {
			throw settings.missing("value", "max-concurrent");
		}
		if (maxConcurrent.required() < 1) {
			throw settings.invalid(maxConcurrent, "must be at least 1");
		}
		Duration maxWait = AdmissionInstance.maxWait(settings, (instance != null) ? instance.getMaxWait() : null,
				(annotation != null) ? annotation.maxWait() : null, defaults.getMaxWait());
		Setting<Integer> maxQueued = settings.pick("maxQueued", "max-queued",
				(instance != null) ? instance.getMaxQueued() : null,
				(annotation != null) ? Settings.unlessUnset(annotation.maxQueued(), -1) : null, defaults.getMaxQueued(),
				null);
		if (maxQueued.value() != null && maxQueued.required() < 0) {
			throw settings.invalid(maxQueued, "must not be negative (leave it unset for no limit)");
		}
		BackendSettings backend = Backends.resolve(settings, instance, defaults, true,
				() -> this.backend.get() != null);
		Setting<Integer> maxKeys = settings.pick("maxKeys", "max-keys",
				(instance != null) ? instance.getMaxKeys() : null, null, defaults.getMaxKeys(),
				BoundedSettings.DEFAULT_MAX_KEYS);
		if (maxKeys.required() < 1) {
			throw settings.invalid(maxKeys, "must be at least 1");
		}
		return new BoundedSettings(name, maxConcurrent.required(), maxWait, maxQueued.value(), backend,
				maxKeys.required());
	}

}
