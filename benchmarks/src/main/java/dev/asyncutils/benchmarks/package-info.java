/**
 * JMH benchmarks of async-utils; run them with {@code benchmarks/run.sh}.
 */
@NullMarked
package dev.asyncutils.benchmarks;

import org.jspecify.annotations.NullMarked;
