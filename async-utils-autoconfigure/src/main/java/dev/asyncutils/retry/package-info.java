/**
 * {@code @Retry}: re-invokes a failed call with back-off, on Spring Framework's
 * {@link org.springframework.core.retry.RetryPolicy} and
 * {@link org.springframework.util.backoff.BackOff}, for plain, {@code CompletionStage}
 * and Reactor return types.
 */
@NullMarked
package dev.asyncutils.retry;

import org.jspecify.annotations.NullMarked;
