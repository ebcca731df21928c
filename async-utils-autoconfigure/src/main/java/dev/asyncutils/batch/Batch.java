package dev.asyncutils.batch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * One completed batch, as handed to {@code onBatchComplete} and to the sink of
 * {@link BatchProcessor#stream}: its items' outcomes in input order.
 *
 * @param <T> the item type
 * @param <R> the result type
 */
public final class Batch<T, R> {

	private final long index;

	private final List<ItemOutcome<T, R>> outcomes;

	Batch(long index, List<ItemOutcome<T, R>> outcomes) {
		this.index = index;
		this.outcomes = Collections.unmodifiableList(outcomes);
	}

	/**
	 * Return the batch's position, from 0.
	 * @return the index
	 */
	public long index() {
		return this.index;
	}

	/**
	 * Return the outcomes of the batch's items, in input order.
	 * @return the outcomes
	 */
	public List<ItemOutcome<T, R>> outcomes() {
		return this.outcomes;
	}

	/**
	 * Return the values of the batch's successful items, in input order (failed items are
	 * left out).
	 * @return the values
	 */
	public List<@Nullable R> values() {
		List<@Nullable R> values = new ArrayList<>(this.outcomes.size());
		for (ItemOutcome<T, R> outcome : this.outcomes) {
			if (outcome.isSuccess()) {
				values.add(outcome.value());
			}
		}
		return values;
	}

	/**
	 * Return how many items of the batch failed.
	 * @return the failed items
	 */
	public int failed() {
		int failed = 0;
		for (ItemOutcome<T, R> outcome : this.outcomes) {
			if (!outcome.isSuccess()) {
				failed++;
			}
		}
		return failed;
	}

	@Override
	public String toString() {
		return "Batch[" + this.index + ": " + this.outcomes.size() + " items, " + failed() + " failed]";
	}

}
