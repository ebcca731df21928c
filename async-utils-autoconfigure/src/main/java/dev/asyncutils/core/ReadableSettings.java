package dev.asyncutils.core;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ReflectionUtils;

/**
 * Settings as a user writes them, for startup messages: property names in kebab case,
 * durations as {@code 2s}, no internal record syntax. Also the property names of an
 * instance, with the bracket form Spring Boot needs for names with dots or capitals.
 */
public final class ReadableSettings {

	private ReadableSettings() {
	}

	/**
	 * Return the name of an instance property, in the form that binds:
	 * {@code async-utils.throttle.instances.[Client.call].rate} for a name with dots or
	 * capitals, {@code async-utils.throttle.instances.payments.rate} otherwise.
	 * @param kind the property group ({@code throttle}, ...)
	 * @param instance the instance name
	 * @param property the property under the instance, empty for the instance itself
	 * @return the property name
	 */
	public static String instanceProperty(String kind, String instance, String property) {
		String key = needsBrackets(instance) ? "[" + instance + "]" : instance;
		return "async-utils." + kind + ".instances." + key + (property.isEmpty() ? "" : "." + property);
	}

	private static boolean needsBrackets(String name) {
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
				return true;
			}
		}
		return name.isEmpty();
	}

	/**
	 * Format a duration the way a user writes it in {@code application.yml}.
	 * @param duration the duration
	 * @return {@code 2s}, {@code 250ms}, ...
	 */
	public static String format(Duration duration) {
		long nanos = duration.toNanos();
		if (nanos != 0 && nanos % 3_600_000_000_000L == 0) {
			return (nanos / 3_600_000_000_000L) + "h";
		}
		if (nanos != 0 && nanos % 60_000_000_000L == 0) {
			return (nanos / 60_000_000_000L) + "m";
		}
		if (nanos % 1_000_000_000L == 0) {
			return (nanos / 1_000_000_000L) + "s";
		}
		if (nanos % 1_000_000L == 0) {
			return (nanos / 1_000_000L) + "ms";
		}
		return nanos + "ns";
	}

	/**
	 * Describe settings: a record's components (its {@code name} left out) as
	 * {@code rate 10.0, per 1s, max-wait none}; anything else by {@code toString}.
	 * @param settings the settings
	 * @return the description
	 */
	static String describe(Object settings) {
		StringJoiner joined = new StringJoiner(", ");
		for (Entry entry : entries(settings, "")) {
			joined.add(entry.property() + " " + entry.value());
		}
		return joined.toString();
	}

	/**
	 * Return what differs between two settings of the same type, as
	 * {@code rate 5.0 here, 10.0 there}, or an empty list if they are not records.
	 */
	static List<Difference> differences(Object requested, Object existing) {
		List<Entry> here = entries(requested, "");
		List<Entry> there = entries(existing, "");
		List<Difference> differences = new ArrayList<>();
		if (here.size() != there.size()) {
			return differences;
		}
		for (int i = 0; i < here.size(); i++) {
			if (!here.get(i).value().equals(there.get(i).value())) {
				differences.add(new Difference(here.get(i).property(), here.get(i).value(), there.get(i).value()));
			}
		}
		return differences;
	}

	private static List<Entry> entries(Object settings, String nestedIn) {
		List<Entry> entries = new ArrayList<>();
		RecordComponent[] components = settings.getClass().getRecordComponents();
		if (components == null) {
			entries.add(new Entry("settings", settings.toString()));
			return entries;
		}
		for (RecordComponent component : components) {
			if (nestedIn.isEmpty() && component.getName().equals("name")) {
				continue;
			}
			ReflectionUtils.makeAccessible(component.getAccessor());
			Object value = ReflectionUtils.invokeMethod(component.getAccessor(), settings);
			String property = nestedIn.equals(component.getName()) ? nestedIn : kebab(component.getName());
			if (value != null && value.getClass().isRecord()) {
				// nested settings (a backend's) read as settings of the instance
				entries.addAll(entries(value, property));
			}
			else {
				entries.add(new Entry(property, text(value)));
			}
		}
		return entries;
	}

	private static String text(@Nullable Object value) {
		if (value == null) {
			return "none";
		}
		if (value instanceof Duration duration) {
			return format(duration);
		}
		if (value instanceof Class<?> type) {
			return type.getName();
		}
		if (value instanceof Collection<?> values) {
			StringJoiner joined = new StringJoiner(", ", "[", "]");
			values.forEach((element) -> joined.add(text(element)));
			return joined.toString();
		}
		if (value instanceof Enum<?> constant) {
			return constant.toString().toLowerCase(Locale.ROOT);
		}
		return value.toString();
	}

	private static String kebab(String camel) {
		StringBuilder kebab = new StringBuilder(camel.length() + 4);
		for (int i = 0; i < camel.length(); i++) {
			char c = camel.charAt(i);
			if (Character.isUpperCase(c)) {
				kebab.append('-').append(Character.toLowerCase(c));
			}
			else {
				kebab.append(c);
			}
		}
		return kebab.toString();
	}

	private record Entry(String property, String value) {

	}

	/**
	 * One setting on which two settings disagree.
	 *
	 * @param property the property (kebab case, relative to the instance)
	 * @param here the value requested now
	 * @param there the value already in use
	 */
	record Difference(String property, String here, String there) {

	}

}
