package dev.asyncutils.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Retries a failed invocation with exponential back-off.
 *
 * <p>
 * Plain methods retry on the caller's thread. Methods returning a
 * {@link java.util.concurrent.CompletionStage} are invoked again after a scheduled delay
 * when the returned stage fails (or the method throws), without blocking a thread.
 * {@code Mono} and {@code Flux} are resubscribed, which invokes the method again.
 *
 * <p>
 * After the last attempt the caller gets the last exception itself; the exceptions of
 * earlier attempts are attached to it as suppressed exceptions.
 *
 * <p>
 * Every attribute left at its <em>unset</em> value falls back to
 * {@code async-utils.retry.defaults.*} and then to the built-in default; properties under
 * {@code async-utils.retry.instances.<name>.*} override the annotation.
 *
 * <p>
 * On a type, applies to every public method; a method-level {@code @Retry} replaces it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
@Documented
public @interface Retry {

	/**
	 * Instance name, used for metrics and for configuration under
	 * {@code async-utils.retry.instances.<name>}. Unset ({@code ""}):
	 * {@code SimpleClassName.methodName}.
	 * @return the instance name
	 */
	String name() default "";

	/**
	 * Total number of attempts, the first call included. Unset ({@code 0}): {@code 3}.
	 * @return the maximum number of attempts, at least 1
	 */
	int maxAttempts() default 0;

	/**
	 * Wait before the first retry, as a duration string ({@code "250ms"}, {@code "2s"},
	 * {@code "PT0.5S"}, or a {@code ${...}} placeholder). Unset ({@code ""}):
	 * {@code 100ms}.
	 * @return the initial delay
	 */
	String delay() default "";

	/**
	 * Factor applied to each following wait ({@code 1.0} keeps it fixed). Unset
	 * ({@code 0}): {@code 2.0}.
	 * @return the back-off multiplier, at least 1
	 */
	double multiplier() default 0;

	/**
	 * Cap on a single wait. Unset ({@code ""}): {@code 10s}.
	 * @return the maximum delay
	 */
	String maxDelay() default "";

	/**
	 * Random spread of each wait, as a fraction in [0, 1] of that wait. Unset
	 * ({@code -1}): {@code 0.0}, no jitter.
	 * @return the jitter fraction
	 */
	double jitter() default -1;

	/**
	 * Give up once this much time has passed since the first attempt began, including
	 * when the next wait would end past it. Unset ({@code ""}): no limit.
	 * @return the maximum total duration
	 */
	String maxDuration() default "";

	/**
	 * Failures that are retried (subtypes included, also when found as a cause). Unset
	 * ({@code {}}): {@code Exception}.
	 * @return the retryable exception types
	 */
	Class<? extends Throwable>[] retryOn() default {};

	/**
	 * Failures that are never retried, even when they also match {@link #retryOn()}.
	 * Unset: none.
	 * @return the exception types that abort retrying
	 */
	Class<? extends Throwable>[] abortOn() default {};

}
