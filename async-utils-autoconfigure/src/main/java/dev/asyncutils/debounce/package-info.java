/**
 * The {@code @Debounce} capability: trailing-edge debouncing per method or per key, with
 * a bound on postponement, runs on the application task executor that never overlap per
 * key, and pending runs flushed when the context closes.
 */
@NullMarked
package dev.asyncutils.debounce;

import org.jspecify.annotations.NullMarked;
