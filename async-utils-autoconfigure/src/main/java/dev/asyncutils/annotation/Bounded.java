package dev.asyncutils.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits how many invocations are in flight at once. For a plain method a slot is held
 * for the call; for a {@code CompletionStage} until the returned stage completes; for a
 * {@code Mono} or {@code Flux} until the subscription terminates or is cancelled.
 *
 * <p>
 * A caller that finds no free slot waits in line (first come, first served): a plain
 * caller blocks interruptibly; an asynchronous caller is queued without holding a thread.
 * A caller is rejected with {@link dev.asyncutils.BoundedRejectedException} when
 * {@link #maxQueued()} callers already wait, or once it waited {@link #maxWait()}.
 *
 * <p>
 * All methods with the same {@link #name()} share one limit. On a type, applies to every
 * public method; a method-level {@code @Bounded} replaces it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
@Documented
public @interface Bounded {

	/**
	 * Most invocations in flight at once, at least 1. Unset ({@code 0}): must come from
	 * {@code async-utils.bounded.instances.<name>.max-concurrent} or
	 * {@code async-utils.bounded.defaults.max-concurrent}.
	 * @return the limit
	 */
	int value() default 0;

	/**
	 * Instance name; methods with the same name share one limit. Configured under
	 * {@code async-utils.bounded.instances.<name>}. Unset ({@code ""}):
	 * {@code SimpleClassName.methodName}.
	 * @return the instance name
	 */
	String name() default "";

	/**
	 * Longest a caller may wait for a slot; {@code "0"} rejects at once when none is
	 * free. Unset ({@code ""}): unbounded.
	 * @return the maximum wait
	 */
	String maxWait() default "";

	/**
	 * Most callers waiting at once; one more is rejected at once. {@code 0} means no
	 * caller may wait. Unset ({@code -1}): unbounded.
	 * @return the maximum queue length
	 */
	int maxQueued() default -1;

	/**
	 * A SpEL expression over the parameters ({@code "#tenantId"}, {@code "#p0"},
	 * {@code "#a0"}, {@code "#root.args[1]"}): every distinct value gets its own limit
	 * with this instance's settings. A {@code null} value uses the instance's unkeyed
	 * limit. Keys held at once are bounded by {@code max-keys}; a call with a new key
	 * beyond it is rejected. Parsed and checked at startup. Unset ({@code ""}): one limit
	 * for the instance.
	 * @return the key expression
	 */
	String key() default "";

}
