package dev.asyncutils.debounce;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

import org.jspecify.annotations.Nullable;

import org.springframework.context.SmartLifecycle;

import dev.asyncutils.annotation.Debounce;
import dev.asyncutils.core.ArgumentExpression;
import dev.asyncutils.core.InstanceCatalog;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.MethodContext;
import dev.asyncutils.core.PolicyFeature;
import dev.asyncutils.core.ReturnKind;
import dev.asyncutils.core.Settings;
import dev.asyncutils.core.Settings.Setting;

/**
 * The {@code @Debounce} capability: resolves each method's quiet period, longest
 * postponement and key expression at startup, and puts a debouncer outermost in its
 * chain. When the context closes, every pending run is started at once, and the close
 * waits for them (within the shutdown phase's timeout).
 */
public class DebounceFeature implements PolicyFeature<Debounce>, SmartLifecycle {

	private final DebounceProperties properties;

	private final Executor executor;

	private final InstanceCatalog<DebounceStats> instances = new InstanceCatalog<>();

	private final List<Debouncer> debouncers = new CopyOnWriteArrayList<>();

	private volatile boolean running;

	/**
	 * Create the capability.
	 * @param properties the {@code async-utils.debounce} properties
	 * @param executor where runs go: the application task executor
	 */
	public DebounceFeature(DebounceProperties properties, Executor executor) {
		this.properties = properties;
		this.executor = executor;
	}

	@Override
	public Class<Debounce> annotationType() {
		return Debounce.class;
	}

	@Override
	public int order() {
		return DEBOUNCE;
	}

	@Override
	public String kind() {
		return "debounce";
	}

	@Override
	public Set<String> configuredInstances() {
		return this.properties.getInstances().keySet();
	}

	@Override
	public Invoker decorate(MethodContext method, Debounce annotation, Invoker next) {
		ReturnKind kind = method.returnKind();
		boolean supported = switch (kind) {
			case PLAIN -> method.method().getReturnType() == void.class;
			case COMPLETION_STAGE, MONO -> true;
			case FLUX -> false;
		};
		if (!supported) {
			throw method.invalid("@Debounce", method.method().getGenericReturnType().getTypeName(),
					"unsupported return type: a debounced method returns void (the caller returns at once), "
							+ "CompletionStage, CompletableFuture or Mono (every coalesced caller gets the run's outcome)");
		}
		DebounceSettings settings = resolve(method, annotation);
		// the run happens later on a worker, with the last caller's context (void
		// methods too)
		method.runsUserCodeElsewhere();
		ArgumentExpression key = annotation.key().isEmpty() ? null
				: ArgumentExpression.compile(method, "@Debounce(key)", annotation.key());
		DebounceStats stats = this.instances.obtain(settings.name(), (name) -> new DebounceStats());
		stats.method(method.description(), settings);
		Debouncer debouncer = new Debouncer(settings, method.description() + " of bean '" + method.beanName() + "'",
				key, next, kind, method.scheduler(), this.executor, stats);
		this.debouncers.add(debouncer);
		return debouncer;
	}

	/**
	 * Return every debounce instance by name, for metrics and the actuator endpoint.
	 * @return the catalog of instances
	 */
	public InstanceCatalog<DebounceStats> instances() {
		return this.instances;
	}

	/**
	 * Resolve the effective settings of {@code @Debounce} on one method.
	 * @param method the method
	 * @param annotation its annotation
	 * @return the validated settings
	 */
	DebounceSettings resolve(MethodContext method, Debounce annotation) {
		String name = method.instanceName(annotation.name());
		Settings settings = method.settings(kind(), "Debounce", name);
		DebounceProperties.Spec instance = this.properties.getInstances().get(name);
		DebounceProperties.Spec defaults = this.properties.getDefaults();
		Setting<Duration> delay = settings.pick("value", "delay", (instance != null) ? instance.getDelay() : null,
				settings.duration("value", annotation.value()), defaults.getDelay(), null);
		if (delay.value() == null) {
			throw settings.missing("value", "delay");
		}
		if (delay.required().isNegative() || delay.required().isZero()) {
			throw settings.invalid(delay, "must be positive");
		}
		Setting<Duration> maxWait = settings.pick("maxWait", "max-wait",
				(instance != null) ? instance.getMaxWait() : null, settings.duration("maxWait", annotation.maxWait()),
				defaults.getMaxWait(), null);
		Duration maxWaitValue = maxWait.value();
		if (maxWaitValue != null && maxWaitValue.compareTo(delay.required()) < 0) {
			throw settings.invalid(maxWait, "must not be less than the quiet period (" + settings.display(delay)
					+ " from " + delay.source() + ")");
		}
		try {
			delay.required().toNanos();
			if (maxWaitValue != null) {
				maxWaitValue.toNanos();
			}
		}
		catch (ArithmeticException ex) {
			throw settings.invalid((maxWaitValue != null) ? maxWait : delay,
					"is too long (at most about 292 years in nanoseconds)");
		}
		String key = annotation.key().isEmpty() ? null : annotation.key();
		return new DebounceSettings(name, delay.required(), maxWaitValue, key);
	}

	/**
	 * Return the keys with calls waiting, over every debounced method.
	 * @return the count
	 */
	public long pendingKeys() {
		long pending = 0;
		for (Debouncer debouncer : this.debouncers) {
			pending += debouncer.pendingKeys();
		}
		return pending;
	}

	/**
	 * Return the keys whose run is in progress (or waits for the previous one), over
	 * every debounced method.
	 * @return the count
	 */
	public long runningKeys() {
		long running = 0;
		for (Debouncer debouncer : this.debouncers) {
			running += debouncer.runningKeys();
		}
		return running;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		flush().join();
	}

	@Override
	public void stop(Runnable callback) {
		flush().whenComplete((ignored, failure) -> callback.run());
	}

	private CompletableFuture<Void> flush() {
		this.running = false;
		return CompletableFuture
			.allOf(this.debouncers.stream().map(Debouncer::flush).toArray(CompletableFuture<?>[]::new));
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	/**
	 * Stop after the web server stopped taking requests (so that their calls are still
	 * debounced), flushing what is pending.
	 * @return the phase
	 */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

	@Override
	public @Nullable String toString() {
		return "DebounceFeature";
	}

}
