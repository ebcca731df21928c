package dev.asyncutils.core;

import org.jspecify.annotations.Nullable;

/**
 * Bad configuration found at startup: names the bean, the method, the attribute or
 * property, and the value that was wrong. The application does not start.
 */
public class AsyncUtilsConfigurationException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final @Nullable String beanName;

	private final @Nullable String method;

	private final String setting;

	private final @Nullable String value;

	private final String problem;

	private final @Nullable String advice;

	/**
	 * Create a new exception.
	 * @param beanName the bean whose method is misconfigured
	 * @param method the method, as {@code SimpleClassName.method(ParamTypes)}
	 * @param setting the attribute ({@code @Retry(delay)}) or property
	 * ({@code async-utils.retry.instances.x.delay}) that holds the bad value
	 * @param value the bad value, or {@code null} if it was missing
	 * @param problem what is wrong with it
	 */
	public AsyncUtilsConfigurationException(String beanName, String method, String setting, @Nullable String value,
			String problem) {
		this(beanName, method, setting, value, problem, null);
	}

	/**
	 * Create a new exception with advice on how to fix it.
	 * @param beanName the bean whose method is misconfigured
	 * @param method the method, as {@code SimpleClassName.method(ParamTypes)}
	 * @param setting the attribute or property that holds the bad value
	 * @param value the bad value, or {@code null} if there is none to show
	 * @param problem what is wrong with it
	 * @param advice how to fix it beyond correcting the setting (a property that
	 * overrides the annotation, say), or {@code null}
	 */
	public AsyncUtilsConfigurationException(String beanName, String method, String setting, @Nullable String value,
			String problem, @Nullable String advice) {
		super("Invalid async-utils configuration of bean '" + beanName + "', method " + method + ": " + setting
				+ ((value != null) ? " = '" + value + "'" : "") + ": " + problem);
		this.beanName = beanName;
		this.method = method;
		this.setting = setting;
		this.value = value;
		this.problem = problem;
		this.advice = advice;
	}

	/**
	 * Create an exception for a bad property of an instance that no method declares (one
	 * used through its registry only).
	 * @param setting the property that holds the bad value
	 * @param value the bad value, or {@code null} if it was missing
	 * @param problem what is wrong with it
	 */
	public AsyncUtilsConfigurationException(String setting, @Nullable String value, String problem) {
		super("Invalid async-utils configuration: " + setting + ((value != null) ? " = '" + value + "'" : "") + ": "
				+ problem);
		this.beanName = null;
		this.method = null;
		this.setting = setting;
		this.value = value;
		this.problem = problem;
		this.advice = null;
	}

	/**
	 * Return the name of the bean whose method is misconfigured.
	 * @return the bean name, {@code null} for an instance only configured by properties
	 */
	public @Nullable String getBeanName() {
		return this.beanName;
	}

	/**
	 * Return the misconfigured method, as {@code SimpleClassName.method(ParamTypes)}.
	 * @return the method description, {@code null} for an instance only configured by
	 * properties
	 */
	public @Nullable String getMethod() {
		return this.method;
	}

	/**
	 * Return the annotation attribute or property that holds the bad value.
	 * @return the setting
	 */
	public String getSetting() {
		return this.setting;
	}

	/**
	 * Return the bad value, or {@code null} when a required value was missing.
	 * @return the value
	 */
	public @Nullable String getValue() {
		return this.value;
	}

	/**
	 * Return what is wrong with the value.
	 * @return the problem
	 */
	public String getProblem() {
		return this.problem;
	}

	/**
	 * Return how to fix it beyond correcting the setting, if there is more to say.
	 * @return the advice, or {@code null}
	 */
	public @Nullable String getAdvice() {
		return this.advice;
	}

}
