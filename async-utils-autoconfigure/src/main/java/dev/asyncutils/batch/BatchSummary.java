package dev.asyncutils.batch;

import java.time.Duration;

/**
 * The counts of a {@link BatchProcessor#stream} run, whose results went to the sink.
 *
 * @param batches the batches processed
 * @param succeeded the items that succeeded
 * @param failed the items that failed
 * @param elapsed how long the run took
 */
public record BatchSummary(long batches, long succeeded, long failed, Duration elapsed) {

}
