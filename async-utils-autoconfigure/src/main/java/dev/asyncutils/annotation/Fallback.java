package dev.asyncutils.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Supplies the result from another method of the same bean when the guarded call finally
 * fails (after every retry, timeout and limit that also applies).
 *
 * <p>
 * The fallback method may have any visibility. It takes the same parameters as the
 * guarded method, optionally followed by one parameter receiving the failure (its type
 * must accept every type in {@link #applyOn()}). It returns the same type as the guarded
 * method; for a {@code CompletionStage} method it may return either the value type or a
 * {@code CompletionStage} of it. The method is resolved and checked at startup.
 *
 * <p>
 * On a type, applies to every public method; a method-level {@code @Fallback} replaces
 * it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
@Documented
public @interface Fallback {

	/**
	 * Name of the method on the same bean that supplies the result.
	 * @return the fallback method name
	 */
	String value();

	/**
	 * Failures that use the fallback (subtypes included, also when found as a cause).
	 * Unset ({@code {}}): every {@link Throwable}.
	 * @return the exception types that use the fallback
	 */
	Class<? extends Throwable>[] applyOn() default {};

	/**
	 * Failures that never use the fallback, even when they also match {@link #applyOn()}.
	 * Unset: none.
	 * @return the exception types that are passed on unchanged
	 */
	Class<? extends Throwable>[] skipOn() default {};

}
