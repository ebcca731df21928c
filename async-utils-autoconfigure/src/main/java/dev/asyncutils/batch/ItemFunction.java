package dev.asyncutils.batch;

import org.jspecify.annotations.Nullable;

/**
 * The work done for one item (or, in
 * {@link BatchProcessor#processBatches(Iterable, ItemFunction)}, one whole batch).
 *
 * @param <T> the item type
 * @param <R> the result type
 */
@FunctionalInterface
public interface ItemFunction<T, R> {

	/**
	 * Process one item.
	 * @param item the item
	 * @return the result
	 * @throws Exception any failure; the item is retried if attempts remain
	 */
	@Nullable R apply(T item) throws Exception;

}
