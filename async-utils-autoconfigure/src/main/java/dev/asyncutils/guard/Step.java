package dev.asyncutils.guard;

import java.lang.annotation.Annotation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.springframework.core.annotation.AnnotationUtils;

/**
 * The settings of one builder step of a guard, kept as the attributes of the annotation
 * that step stands for: the guard hands the capability an annotation synthesized from
 * them, so that every value is resolved, checked and reported exactly as on an annotated
 * method. A value set explicitly is checked as given: one that equals the annotation's
 * "unset" marker (such as {@code maxAttempts(0)}) is reported here, because the
 * annotation cannot carry it.
 *
 * @param <A> the annotation type
 */
abstract class Step<A extends Annotation> {

	private final Class<A> annotationType;

	private final String step;

	private final Map<String, Object> attributes = new HashMap<>();

	private final List<String> problems = new ArrayList<>();

	Step(Class<A> annotationType, String step) {
		this.annotationType = annotationType;
		this.step = step;
	}

	final Class<A> annotationType() {
		return this.annotationType;
	}

	/**
	 * Set an attribute.
	 * @param attribute the annotation attribute
	 * @param value its value
	 */
	final void set(String attribute, Object value) {
		this.attributes.put(attribute, Objects.requireNonNull(value, attribute));
	}

	/**
	 * Set an attribute whose "unset" marker is itself an invalid value.
	 * @param setting the builder method, for messages
	 * @param attribute the annotation attribute
	 * @param value the value given
	 * @param unset the annotation's unset marker
	 * @param problem why the marker value is invalid
	 */
	final void set(String setting, String attribute, Object value, Object unset, String problem) {
		if (value.equals(unset)) {
			invalid(setting, value, problem);
			this.attributes.remove(attribute);
		}
		else {
			set(attribute, value);
		}
	}

	/**
	 * Report a value the annotation cannot express.
	 * @param setting the builder method
	 * @param value the value given
	 * @param problem what is wrong with it
	 */
	final void invalid(String setting, Object value, String problem) {
		this.problems.add(this.step + "(" + setting + ") = '" + value + "': " + problem);
	}

	/**
	 * Set a duration attribute, as text the annotation's parser reads back exactly.
	 * @param attribute the annotation attribute
	 * @param duration the duration
	 */
	final void duration(String attribute, Duration duration) {
		Objects.requireNonNull(duration, attribute);
		String text;
		if (duration.getNano() == 0) {
			text = duration.getSeconds() + "s";
		}
		else if (duration.getNano() % 1_000_000 == 0 && Math.abs(duration.getSeconds()) < Long.MAX_VALUE / 1000) {
			text = duration.toMillis() + "ms";
		}
		else {
			text = duration.toString();
		}
		set(attribute, text);
	}

	/**
	 * Return what was set that the annotation cannot express.
	 * @return the problems, empty if none
	 */
	final List<String> problems() {
		return this.problems;
	}

	/**
	 * Return the annotation this step stands for.
	 * @param name the guard's name, the instance name
	 * @return the synthesized annotation
	 */
	final A annotation(String name) {
		Map<String, Object> attributes = new HashMap<>(this.attributes);
		attributes.put("name", name);
		return AnnotationUtils.synthesizeAnnotation(attributes, this.annotationType, null);
	}

}
