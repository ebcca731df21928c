package dev.asyncutils.batch;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.util.backoff.BackOff;

import dev.asyncutils.retry.RetryBackOff;

/**
 * The options of a {@link BatchProcessor}: immutable; change them with
 * {@link BatchProcessor#with(Consumer)} or {@link #toBuilder()}.
 */
public final class BatchOptions {

	/** Default batch size. */
	public static final int DEFAULT_BATCH_SIZE = 100;

	/** Default number of batches in flight. */
	public static final int DEFAULT_MAX_CONCURRENT = 4;

	/** Default attempts per item. */
	public static final int DEFAULT_MAX_ATTEMPTS = 1;

	/** Default wait before an item's first retry. */
	public static final Duration DEFAULT_RETRY_DELAY = Duration.ofMillis(100);

	/** Default growth of the retry wait. */
	public static final double DEFAULT_RETRY_MULTIPLIER = 2.0;

	/**
	 * The longest duration accepted: the most nanoseconds a {@code long} holds, about 292
	 * years. Every wait is counted in nanoseconds, so a longer one could not be carried
	 * out exactly.
	 */
	static final Duration MAX_DURATION = Duration.ofNanos(Long.MAX_VALUE);

	/** Why a duration beyond {@link #MAX_DURATION} is refused. */
	static final String TOO_LONG = "must be at most about 292 years (" + MAX_DURATION
			+ "), the longest wait counted in nanoseconds";

	private static final Consumer<Batch<?, ?>> NO_CALLBACK = (batch) -> {
	};

	private final int batchSize;

	private final int maxConcurrent;

	private final int maxAttempts;

	private final Duration retryDelay;

	private final double retryMultiplier;

	private final Duration delayBetweenBatches;

	private final boolean failFast;

	private final @Nullable Duration itemTimeout;

	private final Consumer<? super Batch<?, ?>> onBatchComplete;

	private final BackOff retryBackOff;

	private BatchOptions(Builder builder) {
		this.batchSize = builder.batchSize;
		this.maxConcurrent = builder.maxConcurrent;
		this.maxAttempts = builder.maxAttempts;
		this.retryDelay = builder.retryDelay;
		this.retryMultiplier = builder.retryMultiplier;
		this.delayBetweenBatches = builder.delayBetweenBatches;
		this.failFast = builder.failFast;
		this.itemTimeout = builder.itemTimeout;
		this.onBatchComplete = builder.onBatchComplete;
		Duration wholeMillis = this.retryDelay.plusNanos(999_999).truncatedTo(ChronoUnit.MILLIS);
		this.retryBackOff = RetryBackOff.policy(this.maxAttempts, wholeMillis, this.retryMultiplier, MAX_DURATION, 0.0)
			.build()
			.getBackOff();
	}

	/**
	 * Return the defaults.
	 * @return options with every default
	 */
	public static BatchOptions defaults() {
		return builder().build();
	}

	/**
	 * Start building options from the defaults.
	 * @return a builder
	 */
	public static Builder builder() {
		return new Builder();
	}

	/**
	 * Start building options from these.
	 * @return a builder holding these options
	 */
	public Builder toBuilder() {
		Builder builder = new Builder();
		builder.batchSize = this.batchSize;
		builder.maxConcurrent = this.maxConcurrent;
		builder.maxAttempts = this.maxAttempts;
		builder.retryDelay = this.retryDelay;
		builder.retryMultiplier = this.retryMultiplier;
		builder.delayBetweenBatches = this.delayBetweenBatches;
		builder.failFast = this.failFast;
		builder.itemTimeout = this.itemTimeout;
		builder.onBatchComplete = this.onBatchComplete;
		return builder;
	}

	/**
	 * Return how many items make a batch.
	 * @return the batch size
	 */
	public int batchSize() {
		return this.batchSize;
	}

	/**
	 * Return the most batches in flight at once.
	 * @return the batch concurrency
	 */
	public int maxConcurrent() {
		return this.maxConcurrent;
	}

	/**
	 * Return the attempts per item, the first included.
	 * @return the attempts
	 */
	public int maxAttempts() {
		return this.maxAttempts;
	}

	/**
	 * Return the wait before an item's first retry.
	 * @return the retry delay
	 */
	public Duration retryDelay() {
		return this.retryDelay;
	}

	/**
	 * Return the factor each following retry wait grows by.
	 * @return the multiplier
	 */
	public double retryMultiplier() {
		return this.retryMultiplier;
	}

	/**
	 * Return the pause before each batch after the first.
	 * @return the pause
	 */
	public Duration delayBetweenBatches() {
		return this.delayBetweenBatches;
	}

	/**
	 * Return whether the run stops starting batches after the first item that failed for
	 * good.
	 * @return {@code true} to fail fast
	 */
	public boolean failFast() {
		return this.failFast;
	}

	/**
	 * Return the deadline of one attempt of one item.
	 * @return the timeout, {@code null} for none
	 */
	public @Nullable Duration itemTimeout() {
		return this.itemTimeout;
	}

	/**
	 * Return the callback called once per completed batch, in batch order.
	 * @return the callback
	 */
	public Consumer<? super Batch<?, ?>> onBatchComplete() {
		return this.onBatchComplete;
	}

	/**
	 * Return the back-off of an item's retries: Spring's exponential back-off, built like
	 * {@code @Retry}'s, from {@code retryDelay} (rounded up to whole milliseconds, so no
	 * wait is shorter than asked), {@code retryMultiplier} and {@code maxAttempts}; a
	 * single wait is capped at {@link #MAX_DURATION}.
	 * @return the back-off, shared by every item
	 */
	BackOff retryBackOff() {
		return this.retryBackOff;
	}

	/**
	 * Return whether a duration's nanoseconds fit in a {@code long}.
	 * @param duration the duration
	 * @return {@code true} if it is at most {@link #MAX_DURATION}
	 */
	static boolean fitsInNanos(Duration duration) {
		return duration.compareTo(MAX_DURATION) <= 0;
	}

	@Override
	public String toString() {
		return "BatchOptions[batchSize=" + this.batchSize + ", maxConcurrent=" + this.maxConcurrent + ", maxAttempts="
				+ this.maxAttempts + ", retryDelay=" + this.retryDelay + ", retryMultiplier=" + this.retryMultiplier
				+ ", delayBetweenBatches=" + this.delayBetweenBatches + ", failFast=" + this.failFast + ", itemTimeout="
				+ this.itemTimeout + "]";
	}

	/**
	 * Builds {@link BatchOptions}; every method validates its argument at once.
	 */
	public static final class Builder {

		private int batchSize = DEFAULT_BATCH_SIZE;

		private int maxConcurrent = DEFAULT_MAX_CONCURRENT;

		private int maxAttempts = DEFAULT_MAX_ATTEMPTS;

		private Duration retryDelay = DEFAULT_RETRY_DELAY;

		private double retryMultiplier = DEFAULT_RETRY_MULTIPLIER;

		private Duration delayBetweenBatches = Duration.ZERO;

		private boolean failFast;

		private @Nullable Duration itemTimeout;

		private Consumer<? super Batch<?, ?>> onBatchComplete = NO_CALLBACK;

		private Builder() {
		}

		/**
		 * Set how many items make a batch.
		 * @param batchSize at least 1
		 * @return this builder
		 */
		public Builder batchSize(int batchSize) {
			require(batchSize >= 1, "batchSize", batchSize, "must be at least 1");
			this.batchSize = batchSize;
			return this;
		}

		/**
		 * Set the most batches in flight at once.
		 * @param maxConcurrent at least 1
		 * @return this builder
		 */
		public Builder maxConcurrent(int maxConcurrent) {
			require(maxConcurrent >= 1, "maxConcurrent", maxConcurrent, "must be at least 1");
			this.maxConcurrent = maxConcurrent;
			return this;
		}

		/**
		 * Set the attempts per item, the first included.
		 * @param maxAttempts at least 1
		 * @return this builder
		 */
		public Builder maxAttempts(int maxAttempts) {
			require(maxAttempts >= 1, "maxAttempts", maxAttempts, "must be at least 1");
			this.maxAttempts = maxAttempts;
			return this;
		}

		/**
		 * Set the wait before an item's first retry.
		 * @param retryDelay not negative, at most about 292 years
		 * @return this builder
		 */
		public Builder retryDelay(Duration retryDelay) {
			require(!retryDelay.isNegative(), "retryDelay", retryDelay, "must not be negative");
			require(fitsInNanos(retryDelay), "retryDelay", retryDelay, TOO_LONG);
			this.retryDelay = retryDelay;
			return this;
		}

		/**
		 * Set the factor each following retry wait grows by.
		 * @param retryMultiplier at least 1 (1 keeps the wait fixed)
		 * @return this builder
		 */
		public Builder retryMultiplier(double retryMultiplier) {
			require(retryMultiplier >= 1.0 && !Double.isInfinite(retryMultiplier), "retryMultiplier", retryMultiplier,
					"must be at least 1");
			this.retryMultiplier = retryMultiplier;
			return this;
		}

		/**
		 * Set the pause before each batch after the first.
		 * @param delayBetweenBatches not negative, at most about 292 years
		 * @return this builder
		 */
		public Builder delayBetweenBatches(Duration delayBetweenBatches) {
			require(!delayBetweenBatches.isNegative(), "delayBetweenBatches", delayBetweenBatches,
					"must not be negative");
			require(fitsInNanos(delayBetweenBatches), "delayBetweenBatches", delayBetweenBatches, TOO_LONG);
			this.delayBetweenBatches = delayBetweenBatches;
			return this;
		}

		/**
		 * Set whether to stop starting batches after the first item that failed for good.
		 * @param failFast {@code true} to fail fast
		 * @return this builder
		 */
		public Builder failFast(boolean failFast) {
			this.failFast = failFast;
			return this;
		}

		/**
		 * Set the deadline of one attempt of one item.
		 * @param itemTimeout positive and at most about 292 years, or {@code null} for
		 * none
		 * @return this builder
		 */
		public Builder itemTimeout(@Nullable Duration itemTimeout) {
			require(itemTimeout == null || (!itemTimeout.isNegative() && !itemTimeout.isZero()), "itemTimeout",
					itemTimeout, "must be positive");
			require(itemTimeout == null || fitsInNanos(itemTimeout), "itemTimeout", itemTimeout, TOO_LONG);
			this.itemTimeout = itemTimeout;
			return this;
		}

		/**
		 * Set the callback called once per completed batch, in batch order.
		 * @param onBatchComplete the callback
		 * @return this builder
		 */
		public Builder onBatchComplete(Consumer<? super Batch<?, ?>> onBatchComplete) {
			this.onBatchComplete = onBatchComplete;
			return this;
		}

		/**
		 * Build the options.
		 * @return the options
		 */
		public BatchOptions build() {
			return new BatchOptions(this);
		}

		private static void require(boolean valid, String option, @Nullable Object value, String problem) {
			if (!valid) {
				throw new IllegalArgumentException("Invalid batch option " + option + " = " + value + ": " + problem);
			}
		}

	}

}
