package dev.asyncutils.batch;

import org.jspecify.annotations.Nullable;

/**
 * How one item ended: exactly one outcome per item, success with its value or failure
 * with its last error, and the number of attempts it took.
 *
 * @param <T> the item type
 * @param <R> the result type
 */
public final class ItemOutcome<T, R> {

	private final long index;

	private final T item;

	private final @Nullable R value;

	private final @Nullable Throwable error;

	private final int attempts;

	private ItemOutcome(long index, T item, @Nullable R value, @Nullable Throwable error, int attempts) {
		this.index = index;
		this.item = item;
		this.value = value;
		this.error = error;
		this.attempts = attempts;
	}

	static <T, R> ItemOutcome<T, R> success(long index, T item, @Nullable R value, int attempts) {
		return new ItemOutcome<>(index, item, value, null, attempts);
	}

	static <T, R> ItemOutcome<T, R> failure(long index, T item, Throwable error, int attempts) {
		return new ItemOutcome<>(index, item, null, error, attempts);
	}

	/**
	 * Return the item's position in the input, from 0.
	 * @return the index
	 */
	public long index() {
		return this.index;
	}

	/**
	 * Return the item.
	 * @return the item
	 */
	public T item() {
		return this.item;
	}

	/**
	 * Return whether the item was processed successfully.
	 * @return {@code true} on success
	 */
	public boolean isSuccess() {
		return this.error == null;
	}

	/**
	 * Return the result of a successful item.
	 * @return the value, {@code null} for a failed item
	 */
	public @Nullable R value() {
		return this.value;
	}

	/**
	 * Return the last error of a failed item: the last attempt's exception (earlier
	 * attempts' exceptions attached as suppressed), a
	 * {@link dev.asyncutils.TimeoutExceededException} if that attempt timed out, or a
	 * {@link java.util.concurrent.CancellationException} if the item never started or was
	 * cancelled.
	 * @return the error, {@code null} on success
	 */
	public @Nullable Throwable error() {
		return this.error;
	}

	/**
	 * Return how many attempts were made (0 for an item that never started).
	 * @return the attempts
	 */
	public int attempts() {
		return this.attempts;
	}

	@Override
	public String toString() {
		return "ItemOutcome[" + this.index + ": " + this.item + " -> "
				+ (isSuccess() ? this.value : "failed: " + this.error) + ", attempts=" + this.attempts + "]";
	}

}
