package dev.asyncutils.core;

import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;

/**
 * Resolves the settings of one capability for one method, applying the precedence every
 * capability shares: {@code instances.<name>.*} property &gt; annotation attribute &gt;
 * {@code defaults.*} property &gt; built-in default. Each resolved value remembers where
 * it came from, so a bad value is reported with its source.
 */
public final class Settings {

	private final @Nullable MethodContext method;

	private final String kind;

	private final String annotation;

	private final String instance;

	private final Map<String, String> annotationText = new HashMap<>();

	/** The property name (kebab case) behind each source {@link #pick} reported. */
	private final Map<String, String> properties = new HashMap<>();

	Settings(@Nullable MethodContext method, String kind, String annotation, String instance) {
		this.method = method;
		this.kind = kind;
		this.annotation = annotation;
		this.instance = instance;
	}

	/**
	 * Start resolving the settings of an instance that only properties declare (used
	 * through its registry, by no annotated method).
	 * @param kind the property group ({@code throttle}, ...)
	 * @param annotation the annotation's simple name, for messages
	 * @param instanceName the instance name
	 * @return the settings resolver
	 */
	public static Settings forConfiguredInstance(String kind, String annotation, String instanceName) {
		return new Settings(null, kind, annotation, instanceName);
	}

	/**
	 * Return the instance name these settings belong to.
	 * @return the instance name
	 */
	public String instance() {
		return this.instance;
	}

	/**
	 * Pick the value of one setting by precedence.
	 * @param <T> the value type
	 * @param attribute the annotation attribute name
	 * @param property the property name (kebab case) under {@code instances.<name>} and
	 * {@code defaults}
	 * @param fromInstance the value of the instance property, {@code null} if unset
	 * @param fromAnnotation the annotation's value, {@code null} if left unset
	 * @param fromDefaults the value of the defaults property, {@code null} if unset
	 * @param builtIn the built-in default, {@code null} if there is none
	 * @return the chosen value and its source
	 */
	public <T> Setting<T> pick(String attribute, String property, @Nullable T fromInstance, @Nullable T fromAnnotation,
			@Nullable T fromDefaults, @Nullable T builtIn) {
		String source;
		T value;
		if (fromInstance != null) {
			value = fromInstance;
			source = "property '" + ReadableSettings.instanceProperty(this.kind, this.instance, property) + "'";
		}
		else if (fromAnnotation != null) {
			value = fromAnnotation;
			source = attribute(attribute);
		}
		else if (fromDefaults != null) {
			value = fromDefaults;
			source = "property 'async-utils." + this.kind + ".defaults." + property + "'";
		}
		else {
			value = builtIn;
			source = "built-in default of " + attribute(attribute);
		}
		this.properties.put(source, property);
		return new Setting<>(value, source);
	}

	/**
	 * Parse a duration attribute of the annotation, resolving placeholders.
	 * @param attribute the attribute name
	 * @param raw the attribute value as written
	 * @return the duration, or {@code null} if the attribute is unset ({@code ""})
	 */
	public @Nullable Duration duration(String attribute, String raw) {
		if (raw.isEmpty()) {
			return null;
		}
		this.annotationText.put(attribute(attribute), raw);
		String resolved = (this.method != null) ? this.method.resolvePlaceholders(raw).trim() : raw.trim();
		try {
			return DurationStyle.detectAndParse(resolved);
		}
		catch (RuntimeException ex) {
			throw invalid(attribute(attribute), raw,
					"not a duration (use e.g. \"250ms\", \"2s\", \"1m\" or \"PT0.5S\")", null);
		}
	}

	/**
	 * Return the value of an annotation attribute unless it holds its unset marker.
	 * @param <T> the value type
	 * @param value the attribute value
	 * @param unset the attribute's unset marker
	 * @return the value, or {@code null} if unset
	 */
	public static <T> @Nullable T unlessUnset(T value, T unset) {
		return value.equals(unset) ? null : value;
	}

	/**
	 * Return a class-array attribute as a list, or {@code null} if it is empty (unset).
	 * @param <T> the element type
	 * @param values the attribute value
	 * @return the values, or {@code null} if none were given
	 */
	public static <T> java.util.@Nullable List<T> unlessEmpty(T[] values) {
		return (values.length == 0) ? null : Arrays.asList(values);
	}

	/**
	 * Check that every entry of a list of failure types ({@code retryOn},
	 * {@code recordOn}, ...) is a {@link Throwable} type.
	 * @param types the resolved list
	 * @return the list, unmodifiable
	 */
	public java.util.List<Class<? extends Throwable>> throwableTypes(
			Setting<java.util.List<Class<? extends Throwable>>> types) {
		for (Class<?> type : types.required()) {
			if (type == null || !Throwable.class.isAssignableFrom(type)) {
				throw invalid(types, "every entry must be a Throwable type, found " + type);
			}
		}
		return java.util.List.copyOf(types.required());
	}

	/**
	 * Report a value that breaks a rule.
	 * @param setting the offending setting
	 * @param problem what is wrong with it
	 * @return the exception to throw
	 */
	public AsyncUtilsConfigurationException invalid(Setting<?> setting, String problem) {
		String property = this.properties.get(setting.source());
		return invalid(setting.source(), display(setting), problem, (property != null) ? advice(property) : null);
	}

	private AsyncUtilsConfigurationException invalid(String setting, @Nullable String value, String problem,
			@Nullable String advice) {
		return (this.method != null) ? this.method.invalid(setting, value, problem, advice)
				: new AsyncUtilsConfigurationException(setting, value, problem);
	}

	/**
	 * Where else a setting can be given, for a method's annotation: the properties that
	 * override it.
	 */
	private String advice(String property) {
		return "Property values override the "
				+ ((this.method != null && this.method.isGuard()) ? "guard's " + step() + " step" : "annotation")
				+ ": '" + ReadableSettings.instanceProperty(this.kind, this.instance, property)
				+ "' sets it for this instance, 'async-utils." + this.kind + ".defaults." + property
				+ "' for every instance that leaves it unset.";
	}

	/**
	 * Return a setting's value for messages: as written when it came from an annotation
	 * attribute, so that the user finds it ({@code "1s"}, not {@code "1000ms"}).
	 * @param setting the setting
	 * @return the value as text
	 */
	public String display(Setting<?> setting) {
		String text = this.annotationText.get(setting.source());
		return (text != null) ? text : setting.display();
	}

	/**
	 * Report a required value that nothing supplied.
	 * @param attribute the annotation attribute
	 * @param property the property name
	 * @return the exception to throw
	 */
	public AsyncUtilsConfigurationException missing(String attribute, String property) {
		return invalid(attribute(attribute), null,
				"is required: set it "
						+ ((this.method != null && this.method.isGuard()) ? "in the guard's " + step() + " step"
								: "on the annotation")
						+ " or as property '" + ReadableSettings.instanceProperty(this.kind, this.instance, property)
						+ "' or 'async-utils." + this.kind + ".defaults." + property + "'",
				advice(property));
	}

	/**
	 * Name an attribute as the user wrote it: {@code @Retry(delay)} on an annotation,
	 * {@code retry(delay)} in a {@code Guard}'s builder step.
	 */
	private String attribute(String attribute) {
		if (this.method != null && this.method.isGuard()) {
			return step() + "(" + attribute + ")";
		}
		return "@" + this.annotation + "(" + attribute + ")";
	}

	private String step() {
		return Character.toLowerCase(this.annotation.charAt(0)) + this.annotation.substring(1);
	}

	/**
	 * A resolved setting and where it came from.
	 *
	 * @param <T> the value type
	 * @param value the value, {@code null} if nothing set it and there is no default
	 * @param source the attribute or property that supplied it
	 */
	public record Setting<T>(@Nullable T value, String source) {

		/**
		 * Return the value for messages.
		 * @return the value as text
		 */
		public String display() {
			Object value = this.value;
			if (value instanceof Duration duration) {
				return DurationStyle.SIMPLE.print(duration);
			}
			return String.valueOf(value);
		}

		/**
		 * Return the value, which must be present.
		 * @return the value
		 */
		public T required() {
			T value = this.value;
			if (value == null) {
				throw new IllegalStateException("No value from " + this.source);
			}
			return value;
		}

	}

}
