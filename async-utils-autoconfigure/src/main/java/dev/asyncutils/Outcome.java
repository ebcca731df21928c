package dev.asyncutils;

import org.jspecify.annotations.Nullable;

/**
 * How one asynchronous computation ended: with a value or with an error.
 *
 * @param <T> the value type
 */
public final class Outcome<T> {

	private final @Nullable T value;

	private final @Nullable Throwable error;

	private Outcome(@Nullable T value, @Nullable Throwable error) {
		this.value = value;
		this.error = error;
	}

	/**
	 * Create a successful outcome.
	 * @param <T> the value type
	 * @param value the value, may be {@code null}
	 * @return the outcome
	 */
	public static <T> Outcome<T> success(@Nullable T value) {
		return new Outcome<>(value, null);
	}

	/**
	 * Create a failed outcome.
	 * @param <T> the value type
	 * @param error the error
	 * @return the outcome
	 */
	public static <T> Outcome<T> failure(Throwable error) {
		return new Outcome<>(null, error);
	}

	/**
	 * Return whether the computation produced a value.
	 * @return {@code true} on success
	 */
	public boolean isSuccess() {
		return this.error == null;
	}

	/**
	 * Return the value.
	 * @return the value ({@code null} for a failure, or a {@code null} value)
	 */
	public @Nullable T value() {
		return this.value;
	}

	/**
	 * Return the error.
	 * @return the error, {@code null} on success
	 */
	public @Nullable Throwable error() {
		return this.error;
	}

	@Override
	public String toString() {
		return isSuccess() ? "Outcome[success: " + this.value + "]" : "Outcome[failure: " + this.error + "]";
	}

}
