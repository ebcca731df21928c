package dev.asyncutils.retry;

import java.time.Duration;

import org.springframework.core.retry.RetryPolicy;

/**
 * The back-off every retry of async-utils waits by: Spring's exponential back-off (first
 * wait, growth, cap on a single wait, jitter, number of attempts), as a
 * {@link RetryPolicy.Builder} to finish with what to retry. Used by {@code @Retry} and by
 * the retries of {@code BatchProcessor} items.
 */
public final class RetryBackOff {

	private RetryBackOff() {
	}

	/**
	 * Start a retry policy with this back-off.
	 * @param maxAttempts total attempts, the first included, at least 1
	 * @param delay the wait before the first retry, not negative (whole milliseconds)
	 * @param multiplier the factor each following wait grows by, at least 1
	 * @param maxDelay the cap on a single wait, positive
	 * @param jitter the random spread of each wait, as a fraction of it in [0, 1]
	 * @return the policy builder
	 */
	public static RetryPolicy.Builder policy(int maxAttempts, Duration delay, double multiplier, Duration maxDelay,
			double jitter) {
		// Spring's ExponentialBackOff scales an absolute jitter with each interval, so a
		// jitter of (fraction x delay) spreads every wait by that fraction of itself.
		return RetryPolicy.builder()
			.maxRetries(maxAttempts - 1L)
			.delay(delay)
			.multiplier(multiplier)
			.maxDelay(maxDelay)
			.jitter(Duration.ofMillis(Math.round(jitter * delay.toMillis())));
	}

}
