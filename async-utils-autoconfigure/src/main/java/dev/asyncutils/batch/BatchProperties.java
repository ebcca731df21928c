package dev.asyncutils.batch;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.convert.DurationStyle;

/**
 * Properties under {@code async-utils.batch}: the options of the auto-configured
 * {@link BatchProcessor}.
 */
public class BatchProperties {

	/**
	 * How many items make a batch.
	 */
	private int batchSize = BatchOptions.DEFAULT_BATCH_SIZE;

	/**
	 * Most batches in flight at once.
	 */
	private int maxConcurrent = BatchOptions.DEFAULT_MAX_CONCURRENT;

	/**
	 * Attempts per item, the first included.
	 */
	private int maxAttempts = BatchOptions.DEFAULT_MAX_ATTEMPTS;

	/**
	 * Wait before an item's first retry.
	 */
	private Duration retryDelay = BatchOptions.DEFAULT_RETRY_DELAY;

	/**
	 * Factor each following retry wait grows by (1.0 keeps it fixed).
	 */
	private double retryMultiplier = BatchOptions.DEFAULT_RETRY_MULTIPLIER;

	/**
	 * Pause before each batch after the first.
	 */
	private Duration delayBetweenBatches = Duration.ZERO;

	/**
	 * Whether to stop starting batches after the first item that failed for good.
	 */
	private boolean failFast;

	/**
	 * Deadline of one attempt of one item, such as 2s. Empty or unset: none.
	 */
	private @Nullable String itemTimeout;

	/**
	 * Build the options these properties describe.
	 * @return the validated options
	 * @throws InvalidConfigurationPropertyValueException naming the bad property
	 */
	public BatchOptions toOptions() {
		require(this.batchSize >= 1, "batch-size", this.batchSize, "must be at least 1");
		require(this.maxConcurrent >= 1, "max-concurrent", this.maxConcurrent, "must be at least 1");
		require(this.maxAttempts >= 1, "max-attempts", this.maxAttempts, "must be at least 1");
		require(!this.retryDelay.isNegative(), "retry-delay", this.retryDelay, "must not be negative");
		require(BatchOptions.fitsInNanos(this.retryDelay), "retry-delay", this.retryDelay, BatchOptions.TOO_LONG);
		require(this.retryMultiplier >= 1.0 && !Double.isInfinite(this.retryMultiplier), "retry-multiplier",
				this.retryMultiplier, "must be at least 1");
		require(!this.delayBetweenBatches.isNegative(), "delay-between-batches", this.delayBetweenBatches,
				"must not be negative");
		require(BatchOptions.fitsInNanos(this.delayBetweenBatches), "delay-between-batches", this.delayBetweenBatches,
				BatchOptions.TOO_LONG);
		Duration itemTimeout = parseItemTimeout();
		require(itemTimeout == null || (!itemTimeout.isNegative() && !itemTimeout.isZero()), "item-timeout",
				this.itemTimeout, "must be positive");
		require(itemTimeout == null || BatchOptions.fitsInNanos(itemTimeout), "item-timeout", this.itemTimeout,
				BatchOptions.TOO_LONG);
		return BatchOptions.builder()
			.batchSize(this.batchSize)
			.maxConcurrent(this.maxConcurrent)
			.maxAttempts(this.maxAttempts)
			.retryDelay(this.retryDelay)
			.retryMultiplier(this.retryMultiplier)
			.delayBetweenBatches(this.delayBetweenBatches)
			.failFast(this.failFast)
			.itemTimeout(itemTimeout)
			.build();
	}

	/**
	 * Parse the item timeout. It is bound as text so that it also accepts the word
	 * {@code none} (the default its metadata shows); an empty value means "none" like
	 * every other blank {@code async-utils} property.
	 */
	private @Nullable Duration parseItemTimeout() {
		String text = this.itemTimeout;
		if (text == null || text.isBlank() || text.trim().equalsIgnoreCase("none")) {
			return null;
		}
		try {
			return DurationStyle.detectAndParse(text.trim());
		}
		catch (RuntimeException ex) {
			throw new InvalidConfigurationPropertyValueException("async-utils.batch.item-timeout", text,
					"not a duration (use e.g. 2s or 500ms, or leave it empty for none)");
		}
	}

	private static void require(boolean valid, String property, @Nullable Object value, String problem) {
		if (!valid) {
			throw new InvalidConfigurationPropertyValueException("async-utils.batch." + property, value, problem);
		}
	}

	/**
	 * Return the batch size.
	 * @return the batch size
	 */
	public int getBatchSize() {
		return this.batchSize;
	}

	/**
	 * Set the batch size.
	 * @param batchSize the batch size
	 */
	public void setBatchSize(int batchSize) {
		this.batchSize = batchSize;
	}

	/**
	 * Return the most batches in flight.
	 * @return the batch concurrency
	 */
	public int getMaxConcurrent() {
		return this.maxConcurrent;
	}

	/**
	 * Set the most batches in flight.
	 * @param maxConcurrent the batch concurrency
	 */
	public void setMaxConcurrent(int maxConcurrent) {
		this.maxConcurrent = maxConcurrent;
	}

	/**
	 * Return the attempts per item.
	 * @return the attempts
	 */
	public int getMaxAttempts() {
		return this.maxAttempts;
	}

	/**
	 * Set the attempts per item.
	 * @param maxAttempts the attempts
	 */
	public void setMaxAttempts(int maxAttempts) {
		this.maxAttempts = maxAttempts;
	}

	/**
	 * Return the wait before an item's first retry.
	 * @return the retry delay
	 */
	public Duration getRetryDelay() {
		return this.retryDelay;
	}

	/**
	 * Set the wait before an item's first retry.
	 * @param retryDelay the retry delay
	 */
	public void setRetryDelay(Duration retryDelay) {
		this.retryDelay = retryDelay;
	}

	/**
	 * Return the retry multiplier.
	 * @return the multiplier
	 */
	public double getRetryMultiplier() {
		return this.retryMultiplier;
	}

	/**
	 * Set the retry multiplier.
	 * @param retryMultiplier the multiplier
	 */
	public void setRetryMultiplier(double retryMultiplier) {
		this.retryMultiplier = retryMultiplier;
	}

	/**
	 * Return the pause before each batch after the first.
	 * @return the pause
	 */
	public Duration getDelayBetweenBatches() {
		return this.delayBetweenBatches;
	}

	/**
	 * Set the pause before each batch after the first.
	 * @param delayBetweenBatches the pause
	 */
	public void setDelayBetweenBatches(Duration delayBetweenBatches) {
		this.delayBetweenBatches = delayBetweenBatches;
	}

	/**
	 * Return whether to fail fast.
	 * @return {@code true} to fail fast
	 */
	public boolean isFailFast() {
		return this.failFast;
	}

	/**
	 * Set whether to fail fast.
	 * @param failFast {@code true} to fail fast
	 */
	public void setFailFast(boolean failFast) {
		this.failFast = failFast;
	}

	/**
	 * Return the deadline of one item attempt, as written.
	 * @return the timeout, {@code null} or empty for none
	 */
	public @Nullable String getItemTimeout() {
		return this.itemTimeout;
	}

	/**
	 * Set the deadline of one item attempt.
	 * @param itemTimeout a duration such as {@code 2s}; empty or {@code null} for none
	 */
	public void setItemTimeout(@Nullable String itemTimeout) {
		this.itemTimeout = itemTimeout;
	}

}
