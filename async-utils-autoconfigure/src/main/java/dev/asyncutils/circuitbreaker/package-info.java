/**
 * {@code @CircuitBreaker}: a breaker per instance name that stops calling what is down
 * and lets trial calls through to find out when it is back, with lock-free recording of
 * outcomes in a count-based or time-based sliding window, and its programmatic twin
 * {@link dev.asyncutils.circuitbreaker.CircuitBreakerRegistry}. A breaker runs on the
 * admission engine ({@link dev.asyncutils.core.admission}): it admits or rejects at once,
 * and the permit it gives records the call's outcome when released.
 */
@NullMarked
package dev.asyncutils.circuitbreaker;

import org.jspecify.annotations.NullMarked;
