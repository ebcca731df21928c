/**
 * {@code @Bounded}: a limit of invocations in flight per instance name, with a first-come
 * first-served queue whose asynchronous waiters hold no thread, and its programmatic twin
 * {@link dev.asyncutils.bounded.BoundedRegistry}.
 */
@NullMarked
package dev.asyncutils.bounded;

import org.jspecify.annotations.NullMarked;
