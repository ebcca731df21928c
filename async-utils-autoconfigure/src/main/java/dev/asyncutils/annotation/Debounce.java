package dev.asyncutils.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Coalesces calls that arrive within a quiet period of each other (per {@link #key()}):
 * the method runs once, {@link #value()} after the last of them (or {@link #maxWait()}
 * after the first), with the arguments of the last call. Outermost of all the
 * annotations: the run goes through {@code @Fallback}, {@code @Retry} and the rest.
 *
 * <p>
 * Return types: {@code void} (the caller returns at once), {@code CompletionStage} /
 * {@code CompletableFuture} and {@code Mono} (every coalesced caller gets the one run's
 * result or failure, the same exception instance). Any other return type fails the
 * startup. Runs for one key never overlap: a call that arrives while its key's run is in
 * progress starts a new quiet period, and that run starts after the current one ended.
 * Runs go to Spring Boot's application task executor; pending runs are run, not dropped,
 * when the context closes.
 *
 * <p>
 * On a type, applies to every public method; a method-level {@code @Debounce} replaces
 * it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
@Documented
public @interface Debounce {

	/**
	 * The quiet period: the method runs this long after the last call, as a duration
	 * string ({@code "250ms"}, {@code "2s"}, {@code "PT0.5S"}, or a {@code ${...}}
	 * placeholder). Unset ({@code ""}): {@code async-utils.debounce.defaults.delay};
	 * there is no built-in default.
	 * @return the quiet period
	 */
	String value() default "";

	/**
	 * Instance name, used for metrics and for configuration under
	 * {@code async-utils.debounce.instances.<name>}. Unset ({@code ""}):
	 * {@code SimpleClassName.methodName}.
	 * @return the instance name
	 */
	String name() default "";

	/**
	 * A SpEL expression over the parameters ({@code #id}, {@code #p0}, {@code #a0},
	 * {@code #root.args}): calls with equal keys coalesce, calls with different keys are
	 * debounced apart. Unset ({@code ""}): one debouncer for the method.
	 * @return the key expression
	 */
	String key() default "";

	/**
	 * The longest a call may be postponed by a stream of later calls, as a duration
	 * string; not less than the quiet period. Unset ({@code ""}):
	 * {@code async-utils.debounce.defaults.max-wait}, then unbounded.
	 * @return the longest postponement
	 */
	String maxWait() default "";

}
