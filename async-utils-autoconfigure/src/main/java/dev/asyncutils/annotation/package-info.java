/**
 * The annotations that guard Spring bean methods:
 * {@link dev.asyncutils.annotation.Retry}, {@link dev.asyncutils.annotation.Timeout} and
 * {@link dev.asyncutils.annotation.Fallback}.
 *
 * <p>
 * When several stand on one method they nest, outermost first: {@code @Fallback} →
 * {@code @Retry} → {@code @Timeout} → {@code @Bounded} → {@code @Throttle} → the method.
 */
@NullMarked
package dev.asyncutils.annotation;

import org.jspecify.annotations.NullMarked;
