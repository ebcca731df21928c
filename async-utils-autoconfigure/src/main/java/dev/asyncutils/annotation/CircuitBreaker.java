package dev.asyncutils.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Stops calling what is down, and finds out when it is back.
 *
 * <p>
 * While <em>closed</em>, the outcome of every call is recorded in a sliding window (the
 * last {@link #windowCalls()} calls, or the last {@link #windowDuration()}). Once at
 * least {@link #minimumCalls()} are recorded and the failure rate reaches
 * {@link #failureRateThreshold()} percent, or the rate of calls slower than
 * {@link #slowCallDuration()} reaches {@link #slowCallRateThreshold()} percent, the
 * breaker <em>opens</em>: calls fail at once with
 * {@link dev.asyncutils.CircuitOpenException}, without invoking the method or anything
 * nested inside the breaker. After {@link #waitInOpen()} it is <em>half-open</em>:
 * exactly {@link #halfOpenCalls()} trial calls go through (others are rejected as when
 * open); if all succeed it closes, if one fails it opens again.
 *
 * <p>
 * For a {@code CompletionStage} the outcome is recorded when the stage completes, for a
 * {@code Mono} or {@code Flux} when the subscription terminates; a cancelled call records
 * nothing. Nesting: {@code @Retry} → {@code @CircuitBreaker} → {@code @Timeout} →
 * {@code @Bounded} → {@code @Throttle}; a timeout below counts as a failure, a rejection
 * by {@code @Bounded} or {@code @Throttle} below counts neither way.
 *
 * <p>
 * All methods with the same {@link #name()} share one breaker. On a type, applies to
 * every public method; a method-level {@code @CircuitBreaker} replaces it.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.METHOD, ElementType.TYPE })
@Documented
public @interface CircuitBreaker {

	/**
	 * Instance name; methods with the same name share one breaker. Configured under
	 * {@code async-utils.circuit-breaker.instances.<name>}. Unset ({@code ""}):
	 * {@code SimpleClassName.methodName}.
	 * @return the instance name
	 */
	String name() default "";

	/**
	 * Percent (1 to 100) of the recorded calls that failed at which the breaker opens.
	 * Unset ({@code -1}): {@code 50}.
	 * @return the failure rate threshold
	 */
	int failureRateThreshold() default -1;

	/**
	 * Calls that take longer than this count toward the slow-call rate. Unset
	 * ({@code ""}): no call is slow.
	 * @return the slow-call duration
	 */
	String slowCallDuration() default "";

	/**
	 * Percent (1 to 100) of the recorded calls that were slow at which the breaker opens.
	 * Unset ({@code -1}): {@code 100}.
	 * @return the slow-call rate threshold
	 */
	int slowCallRateThreshold() default -1;

	/**
	 * Calls recorded in the window before any rate is judged (at least 1). Unset
	 * ({@code -1}): {@code 20}.
	 * @return the minimum number of calls
	 */
	int minimumCalls() default -1;

	/**
	 * Count-based window: the rates are those of the last N recorded calls (1 to
	 * 1,000,000). Unset ({@code -1}): {@code 100}, unless {@link #windowDuration()} is
	 * set.
	 * @return the window size in calls
	 */
	int windowCalls() default -1;

	/**
	 * Time-based window instead: the rates are those of the calls recorded over the last
	 * this long ({@code "60s"}). Unset ({@code ""}): a count-based window.
	 * @return the window duration
	 */
	String windowDuration() default "";

	/**
	 * How long the breaker stays open before trial calls are let through. Unset
	 * ({@code ""}): {@code 30s}.
	 * @return the time spent open
	 */
	String waitInOpen() default "";

	/**
	 * Trial calls let through while half-open; all must succeed to close (at least 1).
	 * Unset ({@code -1}): {@code 5}.
	 * @return the number of trial calls
	 */
	int halfOpenCalls() default -1;

	/**
	 * Failures that count (subtypes included). Unset ({@code {}}):
	 * {@code Exception.class}. A failure not listed counts neither way.
	 * @return the recorded failure types
	 */
	Class<? extends Throwable>[] recordOn() default {};

	/**
	 * Failures that count neither way, even when they match {@link #recordOn()}. Unset
	 * ({@code {}}): none.
	 * @return the ignored failure types
	 */
	Class<? extends Throwable>[] ignoreOn() default {};

}
