package dev.asyncutils.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits the rate at which invocations start, with a token bucket: {@link #rate()}
 * permits per {@link #per()}, up to {@link #burst()} of them back to back after idle
 * time. Over any interval of length {@code t}, at most {@code burst + rate * t / per}
 * invocations start, whatever the number of threads.
 *
 * <p>
 * A caller that finds no free permit reserves the next one and waits for it: a plain
 * method sleeps (interruptibly); a {@code CompletionStage}, {@code Mono} or {@code Flux}
 * method is invoked later by the scheduler, without blocking a thread. When the wait
 * would exceed {@link #maxWait()} the call is rejected at once with
 * {@link dev.asyncutils.ThrottleRejectedException}.
 *
 * <p>
 * All methods with the same {@link #name()} share one bucket. On a type, applies to every
 * public method; a method-level {@code @Throttle} replaces it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
@Documented
public @interface Throttle {

	/**
	 * Instance name; methods with the same name share one bucket. Configured under
	 * {@code async-utils.throttle.instances.<name>}. Unset ({@code ""}):
	 * {@code SimpleClassName.methodName}.
	 * @return the instance name
	 */
	String name() default "";

	/**
	 * Permits per {@link #per()}, greater than 0 (fractions allowed). Unset ({@code 0}):
	 * must come from {@code async-utils.throttle.instances.<name>.rate} or
	 * {@code async-utils.throttle.defaults.rate}.
	 * @return the rate
	 */
	double rate() default 0;

	/**
	 * The period {@link #rate()} refers to, as a duration string ({@code "1s"},
	 * {@code "1m"}, {@code ${...}}). Unset ({@code ""}): {@code 1s}.
	 * @return the period
	 */
	String per() default "";

	/**
	 * Bucket capacity: how many calls may start back to back after idle time; the bucket
	 * starts full. Unset ({@code 0}): {@code max(1, ceil(rate))}.
	 * @return the burst capacity, at least 1
	 */
	int burst() default 0;

	/**
	 * Longest a caller may wait for a permit; {@code "0"} rejects at once when no permit
	 * is free. Unset ({@code ""}): unbounded.
	 * @return the maximum wait
	 */
	String maxWait() default "";

	/**
	 * A SpEL expression over the parameters ({@code "#tenantId"}, {@code "#p0"},
	 * {@code "#a0"}, {@code "#root.args[1]"}, {@code "#request.user.id"}): every distinct
	 * value gets its own bucket with this instance's settings (and its {@code limits}). A
	 * {@code null} value uses the instance's unkeyed bucket. Keys held at once are
	 * bounded by {@code max-keys}; a call with a new key beyond it is rejected. Parsed
	 * and checked at startup. Unset ({@code ""}): one bucket for the instance.
	 * @return the key expression
	 */
	String key() default "";

	/**
	 * How many permits one call takes: a whole number ({@code "5"}) or a SpEL expression
	 * over the parameters ({@code "#batch.size()"}) that yields one. A call needing more
	 * than the burst (of any of the instance's limits) fails at once with
	 * {@link IllegalArgumentException}; one needing 0 starts without taking any. Unset
	 * ({@code ""}): 1.
	 * @return the permits per call
	 */
	String permits() default "";

}
