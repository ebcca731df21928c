package dev.asyncutils.batch;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Processes large collections in batches: items are cut, in order, into batches of
 * {@code batchSize}; all items of a batch run at once; at most {@code maxConcurrent}
 * batches are in flight. An item that fails is retried up to {@code maxAttempts} attempts
 * in all. Every item ends with exactly one outcome.
 *
 * <p>
 * The auto-configured bean runs the work on Spring Boot's application task executor and
 * is configured from {@code async-utils.batch.*}.
 */
public interface BatchProcessor {

	/**
	 * Process every item and wait for the result. Interrupting the calling thread stops
	 * starting items, cancels those in flight and returns promptly: unfinished items then
	 * end with a {@link java.util.concurrent.CancellationException}, and the interrupt
	 * flag stays set.
	 * @param <T> the item type
	 * @param <R> the result type
	 * @param items the items
	 * @param fn the work for one item
	 * @return one outcome per item, in input order
	 */
	<T, R> BatchResult<T, R> process(Iterable<? extends T> items, ItemFunction<? super T, ? extends R> fn);

	/**
	 * Process every item with an asynchronous function, holding no thread while its
	 * stages are pending (retry delays are scheduled). Cancelling the returned future
	 * stops the run and cancels the stages in flight.
	 * @param <T> the item type
	 * @param <R> the result type
	 * @param items the items
	 * @param fn the work for one item, returning a stage
	 * @return the result, eventually
	 */
	<T, R> CompletableFuture<BatchResult<T, R>> processAsync(Iterable<? extends T> items,
			AsyncItemFunction<? super T, ? extends R> fn);

	/**
	 * Process the items a whole batch at a time: the function is called once per batch
	 * (for bulk inserts or bulk APIs) and retried as a whole. The result has one outcome
	 * per batch.
	 * @param <T> the item type
	 * @param <R> the result type
	 * @param items the items
	 * @param fn the work for one batch
	 * @return one outcome per batch, in order
	 */
	<T, R> BatchResult<List<T>, List<R>> processBatches(Iterable<? extends T> items,
			ItemFunction<? super List<T>, ? extends List<R>> fn);

	/**
	 * Process a stream of any length, pulling items lazily: memory stays bounded by the
	 * batches in flight. Each completed batch goes to the sink, in batch order, and is
	 * then forgotten. An exception thrown by the sink stops the run and is thrown here.
	 * @param <T> the item type
	 * @param <R> the result type
	 * @param items the items, consumed lazily
	 * @param fn the work for one item
	 * @param sink receives every completed batch
	 * @return the counts of the run
	 */
	<T, R> BatchSummary stream(Stream<? extends T> items, ItemFunction<? super T, ? extends R> fn,
			Consumer<? super Batch<T, R>> sink);

	/**
	 * Return a processor with changed options, sharing this one's executor; this one is
	 * unchanged.
	 * @param changes the changes to apply to a copy of the options
	 * @return the new processor
	 */
	BatchProcessor with(Consumer<BatchOptions.Builder> changes);

	/**
	 * Return the options of this processor.
	 * @return the options
	 */
	BatchOptions options();

}
