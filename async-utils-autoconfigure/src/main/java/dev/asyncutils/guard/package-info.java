/**
 * Programmatic guards ({@link dev.asyncutils.Guard}): builder steps that stand for the
 * annotations, and the synthetic invocations that run a lambda through the capabilities'
 * own chains.
 */
@NullMarked
package dev.asyncutils.guard;

import org.jspecify.annotations.NullMarked;
