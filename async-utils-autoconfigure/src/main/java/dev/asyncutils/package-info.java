/**
 * Public entry points of async-utils: the exceptions callers see, and the {@code Gather}
 * helpers.
 */
@NullMarked
package dev.asyncutils;

import org.jspecify.annotations.NullMarked;
