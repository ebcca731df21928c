package dev.asyncutils.batch;

import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.RandomAccess;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of a whole run: one {@link ItemOutcome} per item, in input order.
 *
 * @param <T> the item type
 * @param <R> the result type
 */
public final class BatchResult<T, R> {

	private final List<ItemOutcome<T, R>> outcomes;

	private final Duration elapsed;

	private final int failed;

	/**
	 * Create a result; the run counted the failed items as they ended (every outcome in
	 * {@code outcomes} is counted there exactly once).
	 */
	BatchResult(List<ItemOutcome<T, R>> outcomes, Duration elapsed, long failed) {
		this.outcomes = Collections.unmodifiableList(outcomes);
		this.elapsed = elapsed;
		this.failed = (int) failed;
	}

	/**
	 * Return every item's outcome, in input order.
	 * @return the outcomes
	 */
	public List<ItemOutcome<T, R>> outcomes() {
		return this.outcomes;
	}

	/**
	 * Return every item's value, in input order.
	 * @return the values
	 * @throws BatchFailedException if any item failed
	 */
	public List<@Nullable R> values() {
		if (this.failed > 0) {
			throw new BatchFailedException(this);
		}
		return new Values<>(this.outcomes);
	}

	/**
	 * Return the outcomes of the items that failed, in input order.
	 * @return the failures
	 */
	public List<ItemOutcome<T, R>> failures() {
		List<ItemOutcome<T, R>> failures = new ArrayList<>(this.failed);
		for (ItemOutcome<T, R> outcome : this.outcomes) {
			if (!outcome.isSuccess()) {
				failures.add(outcome);
			}
		}
		return Collections.unmodifiableList(failures);
	}

	/**
	 * Return how many items succeeded.
	 * @return the successful items
	 */
	public int succeeded() {
		return this.outcomes.size() - this.failed;
	}

	/**
	 * Return how many items failed.
	 * @return the failed items
	 */
	public int failed() {
		return this.failed;
	}

	/**
	 * Return whether every item succeeded.
	 * @return {@code true} if none failed
	 */
	public boolean allSucceeded() {
		return this.failed == 0;
	}

	/**
	 * Return how long the run took.
	 * @return the elapsed time
	 */
	public Duration elapsed() {
		return this.elapsed;
	}

	/**
	 * The values as a read-only view over the outcomes (which never change): no copy of a
	 * million-item result.
	 */
	private static final class Values<R> extends AbstractList<@Nullable R> implements RandomAccess {

		private final List<? extends ItemOutcome<?, R>> outcomes;

		Values(List<? extends ItemOutcome<?, R>> outcomes) {
			this.outcomes = outcomes;
		}

		@Override
		public @Nullable R get(int index) {
			return this.outcomes.get(index).value();
		}

		@Override
		public int size() {
			return this.outcomes.size();
		}

	}

	@Override
	public String toString() {
		return "BatchResult[" + this.outcomes.size() + " items, " + succeeded() + " succeeded, " + this.failed
				+ " failed, " + this.elapsed.toMillis() + "ms]";
	}

}
