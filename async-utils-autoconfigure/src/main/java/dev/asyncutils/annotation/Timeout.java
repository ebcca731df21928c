package dev.asyncutils.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives one invocation a deadline (per attempt when combined with {@link Retry}).
 *
 * <p>
 * A plain method runs on the caller's thread, which is interrupted at the deadline; the
 * caller gets {@link dev.asyncutils.TimeoutExceededException} as soon as the method
 * returns or throws, and the interrupt flag is cleared. A returned
 * {@link java.util.concurrent.CompletionStage} fails at the deadline without waiting and
 * the underlying future is cancelled. A {@code Mono} or {@code Flux} subscription is
 * cancelled at the deadline and the subscriber gets the same exception.
 *
 * <p>
 * On a type, applies to every public method; a method-level {@code @Timeout} replaces it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
@Documented
public @interface Timeout {

	/**
	 * The deadline for one invocation, as a duration string ({@code "250ms"},
	 * {@code "2s"}, {@code "PT0.5S"}, or a {@code ${...}} placeholder). Unset
	 * ({@code ""}): {@code async-utils.timeout.defaults.duration}, then {@code 1s}.
	 * @return the deadline
	 */
	String value() default "";

	/**
	 * Instance name, used for metrics and for configuration under
	 * {@code async-utils.timeout.instances.<name>}. Unset ({@code ""}):
	 * {@code SimpleClassName.methodName}.
	 * @return the instance name
	 */
	String name() default "";

	/**
	 * Name of a method on the same bean (any visibility) called once when the deadline
	 * passes, with the same arguments as the guarded method or with none. It runs on the
	 * async-utils scheduler thread and should be quick: closing a connection or
	 * cancelling a query so that the timed-out work stops. Unset: no cleanup.
	 * @return the cleanup method name
	 */
	String cleanup() default "";

}
