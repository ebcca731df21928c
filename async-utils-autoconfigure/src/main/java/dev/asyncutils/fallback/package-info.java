/**
 * {@code @Fallback}: supplies the result from another method of the bean when the guarded
 * call finally fails with a matching exception.
 */
@NullMarked
package dev.asyncutils.fallback;

import org.jspecify.annotations.NullMarked;
