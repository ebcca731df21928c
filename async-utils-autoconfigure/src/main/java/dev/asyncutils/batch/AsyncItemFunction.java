package dev.asyncutils.batch;

import java.util.concurrent.CompletionStage;

/**
 * Asynchronous work for one item: returns a stage that completes with the result.
 *
 * @param <T> the item type
 * @param <R> the result type
 */
@FunctionalInterface
public interface AsyncItemFunction<T, R> {

	/**
	 * Start processing one item.
	 * @param item the item
	 * @return a stage with the result
	 * @throws Exception a failure to start; handled like a failed stage
	 */
	CompletionStage<R> apply(T item) throws Exception;

}
