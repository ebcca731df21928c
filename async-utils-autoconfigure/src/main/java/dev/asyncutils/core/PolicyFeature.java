package dev.asyncutils.core;

import java.lang.annotation.Annotation;

/**
 * One capability (retry, timeout, fallback, ...) as the invocation core sees it: the
 * annotation it answers to, its place in the nesting order, and how it wraps the rest of
 * a method's chain.
 *
 * @param <A> the annotation type
 */
public interface PolicyFeature<A extends Annotation> {

	/** Nesting position of {@code @Debounce} (outermost). */
	int DEBOUNCE = 50;

	/** Nesting position of {@code @Fallback}. */
	int FALLBACK = 100;

	/** Nesting position of {@code @Retry}. */
	int RETRY = 200;

	/** Nesting position of {@code @CircuitBreaker}: inside retries, outside deadlines. */
	int CIRCUIT_BREAKER = 250;

	/** Nesting position of {@code @Timeout}. */
	int TIMEOUT = 300;

	/** Nesting position of {@code @Bounded}. */
	int BOUNDED = 400;

	/** Nesting position of {@code @Throttle} (innermost, next to the method). */
	int THROTTLE = 500;

	/**
	 * Return the annotation this capability answers to.
	 * @return the annotation type
	 */
	Class<A> annotationType();

	/**
	 * Return the nesting position: smaller is further out.
	 * @return the position, one of the constants of this interface
	 */
	int order();

	/**
	 * Return the property group of this capability: {@code retry}, {@code timeout}, ...
	 * @return the kind
	 */
	String kind();

	/**
	 * Return the instance names configured under {@code async-utils.<kind>.instances}.
	 * @return the configured instance names
	 */
	default java.util.Set<String> configuredInstances() {
		return java.util.Set.of();
	}

	/**
	 * Return whether this capability may invoke the rest of the chain more than once per
	 * call.
	 * @return {@code true} if it re-invokes
	 */
	default boolean reinvokes() {
		return false;
	}

	/**
	 * Resolve and validate the settings for one method, and wrap the rest of its chain.
	 * Called once per method at startup; bad input throws
	 * {@link AsyncUtilsConfigurationException}.
	 * @param method the method being resolved
	 * @param annotation the annotation found on the method or its type
	 * @param next the rest of the chain
	 * @return the wrapped chain
	 */
	Invoker decorate(MethodContext method, A annotation, Invoker next);

}
