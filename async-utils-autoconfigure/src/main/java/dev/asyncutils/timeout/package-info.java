/**
 * {@code @Timeout}: a deadline per invocation that interrupts a plain method, fails and
 * cancels a {@code CompletionStage}, or cancels a {@code Mono}/{@code Flux} subscription,
 * with an optional cleanup method.
 */
@NullMarked
package dev.asyncutils.timeout;

import org.jspecify.annotations.NullMarked;
