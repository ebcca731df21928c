/**
 * The {@link dev.asyncutils.batch.BatchProcessor}: large collections and streams
 * processed in ordered batches with bounded concurrency, per-item retry and timeout, and
 * per-batch callbacks, on Spring Boot's application task executor.
 */
@NullMarked
package dev.asyncutils.batch;

import org.jspecify.annotations.NullMarked;
