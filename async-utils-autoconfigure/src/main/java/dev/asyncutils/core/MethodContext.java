package dev.asyncutils.core;

import java.lang.reflect.Method;
import java.util.StringJoiner;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

import org.springframework.util.StringValueResolver;

/**
 * What a capability knows about one guarded method while it resolves its policy at
 * startup: the bean, the method and its return kind, placeholder resolution, the shared
 * scheduler, and how to report bad input.
 */
public final class MethodContext {

	private final String beanName;

	private final Class<?> beanClass;

	private final Method method;

	private final ReturnKind returnKind;

	private final @Nullable StringValueResolver placeholders;

	private final AsyncUtilsScheduler scheduler;

	private final BiConsumer<String, String> instanceListener;

	/**
	 * The name of the {@code Guard} this context builds a chain for, {@code null} for an
	 * annotated bean method.
	 */
	private final @Nullable String guardName;

	private boolean runsUserCodeElsewhere;

	MethodContext(String beanName, Class<?> beanClass, Method method, ReturnKind returnKind,
			@Nullable StringValueResolver placeholders, AsyncUtilsScheduler scheduler,
			BiConsumer<String, String> instanceListener) {
		this(beanName, beanClass, method, returnKind, placeholders, scheduler, instanceListener, null);
	}

	MethodContext(String beanName, Class<?> beanClass, Method method, ReturnKind returnKind,
			@Nullable StringValueResolver placeholders, AsyncUtilsScheduler scheduler,
			BiConsumer<String, String> instanceListener, @Nullable String guardName) {
		this.beanName = beanName;
		this.beanClass = beanClass;
		this.method = method;
		this.returnKind = returnKind;
		this.placeholders = placeholders;
		this.scheduler = scheduler;
		this.instanceListener = instanceListener;
		this.guardName = guardName;
	}

	/**
	 * Return whether this is the synthetic method of a programmatic {@code Guard} rather
	 * than an annotated bean method.
	 * @return {@code true} for a guard
	 */
	public boolean isGuard() {
		return this.guardName != null;
	}

	/**
	 * Return the name of the bean that declares the method.
	 * @return the bean name
	 */
	public String beanName() {
		return this.beanName;
	}

	/**
	 * Return the user class of the bean (never a proxy class).
	 * @return the bean class
	 */
	public Class<?> beanClass() {
		return this.beanClass;
	}

	/**
	 * Return the guarded method.
	 * @return the method
	 */
	public Method method() {
		return this.method;
	}

	/**
	 * Return how the method delivers its result.
	 * @return the return kind
	 */
	public ReturnKind returnKind() {
		return this.returnKind;
	}

	/**
	 * Return the executor that runs delays and deadlines.
	 * @return the shared scheduler's executor
	 */
	public ScheduledExecutorService scheduler() {
		return this.scheduler.executor();
	}

	/**
	 * Return the shared scheduler.
	 * @return the scheduler
	 */
	public AsyncUtilsScheduler asyncUtilsScheduler() {
		return this.scheduler;
	}

	/**
	 * Note that this method's chain may run user code on another thread than the caller's
	 * (a cleanup method of a plain method, say): its calls then capture the caller's
	 * context (see {@link CallContexts}). Calls of asynchronous methods always do.
	 */
	public void runsUserCodeElsewhere() {
		this.runsUserCodeElsewhere = true;
	}

	boolean isUserCodeRunElsewhere() {
		return this.runsUserCodeElsewhere;
	}

	/**
	 * Return the instance name used when an annotation names none:
	 * {@code SimpleClassName.methodName}.
	 * @return the default instance name
	 */
	public String defaultInstanceName() {
		String guardName = this.guardName;
		if (guardName != null) {
			return guardName;
		}
		return this.beanClass.getSimpleName() + "." + this.method.getName();
	}

	/**
	 * Return the instance name an annotation's {@code name} attribute gives, placeholders
	 * resolved, or {@link #defaultInstanceName()} when it is unset.
	 * @param nameAttribute the attribute's value, {@code ""} when unset
	 * @return the instance name
	 */
	public String instanceName(String nameAttribute) {
		return nameAttribute.isEmpty() ? defaultInstanceName() : resolvePlaceholders(nameAttribute);
	}

	/**
	 * Return the method as {@code SimpleClassName.method(ParamType, ...)}, for messages.
	 * @return the method description
	 */
	public String description() {
		if (this.guardName != null) {
			return "guard '" + this.guardName + "'";
		}
		StringJoiner parameters = new StringJoiner(", ", "(", ")");
		for (Class<?> type : this.method.getParameterTypes()) {
			parameters.add(type.getSimpleName());
		}
		return this.beanClass.getSimpleName() + "." + this.method.getName() + parameters;
	}

	/**
	 * Resolve {@code ${...}} placeholders in an annotation attribute.
	 * @param value the raw attribute value
	 * @return the resolved value
	 */
	public String resolvePlaceholders(String value) {
		if (this.placeholders == null || !value.contains("${")) {
			return value;
		}
		String resolved = this.placeholders.resolveStringValue(value);
		return (resolved != null) ? resolved : value;
	}

	/**
	 * Start resolving the settings of one capability for this method.
	 * @param kind the property group ({@code retry}, {@code timeout}, ...)
	 * @param annotation the annotation's simple name ({@code Retry}, ...)
	 * @param instanceName the instance name the settings belong to
	 * @return the settings resolver
	 */
	public Settings settings(String kind, String annotation, String instanceName) {
		this.instanceListener.accept(kind, instanceName);
		return new Settings(this, kind, annotation, instanceName);
	}

	/**
	 * Create the startup error for a bad value.
	 * @param setting the attribute or property
	 * @param value the bad value, {@code null} if missing
	 * @param problem what is wrong
	 * @return the exception to throw
	 */
	public AsyncUtilsConfigurationException invalid(String setting, @Nullable Object value, String problem) {
		return invalid(setting, value, problem, null);
	}

	/**
	 * Create the startup error for a bad value, with advice on how to fix it.
	 * @param setting the attribute or property
	 * @param value the bad value, {@code null} if there is none to show
	 * @param problem what is wrong
	 * @param advice how to fix it beyond correcting the setting, or {@code null}
	 * @return the exception to throw
	 */
	public AsyncUtilsConfigurationException invalid(String setting, @Nullable Object value, String problem,
			@Nullable String advice) {
		if (this.guardName != null) {
			return new AsyncUtilsConfigurationException(description() + ", " + setting,
					(value != null) ? String.valueOf(value) : null, problem);
		}
		return new AsyncUtilsConfigurationException(this.beanName, description(), setting,
				(value != null) ? String.valueOf(value) : null, problem, advice);
	}

}
