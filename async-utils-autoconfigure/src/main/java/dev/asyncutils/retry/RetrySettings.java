package dev.asyncutils.retry;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.core.retry.RetryPolicy;

/**
 * The effective settings of one retry instance on one method, after merging properties,
 * annotation and defaults, with the Spring {@link RetryPolicy} built from them.
 *
 * @param name the instance name
 * @param maxAttempts total attempts, the first included
 * @param delay wait before the first retry
 * @param multiplier factor applied to each following wait
 * @param maxDelay cap on a single wait
 * @param jitter random spread of each wait as a fraction of it
 * @param maxDuration limit over all attempts, {@code null} for none
 * @param retryOn the retryable failure types
 * @param abortOn the failure types that are never retried
 * @param policy the Spring retry policy implementing these settings
 */
public record RetrySettings(String name, int maxAttempts, Duration delay, double multiplier, Duration maxDelay,
		double jitter, @Nullable Duration maxDuration, List<Class<? extends Throwable>> retryOn,
		List<Class<? extends Throwable>> abortOn, RetryPolicy policy) {

	/**
	 * Build the settings and their Spring retry policy.
	 * @param name the instance name
	 * @param maxAttempts total attempts, at least 1
	 * @param delay initial wait, not negative
	 * @param multiplier back-off multiplier, at least 1
	 * @param maxDelay cap on a single wait, at least {@code delay}
	 * @param jitter spread fraction in [0, 1]
	 * @param maxDuration overall limit or {@code null}
	 * @param retryOn retryable types
	 * @param abortOn non-retryable types
	 * @return the settings
	 */
	static RetrySettings of(String name, int maxAttempts, Duration delay, double multiplier, Duration maxDelay,
			double jitter, @Nullable Duration maxDuration, List<Class<? extends Throwable>> retryOn,
			List<Class<? extends Throwable>> abortOn) {
		RetryPolicy.Builder builder = RetryBackOff.policy(maxAttempts, delay, multiplier, maxDelay, jitter)
			.includes(retryOn)
			.excludes(abortOn);
		if (maxDuration != null) {
			builder.timeout(maxDuration);
		}
		return new RetrySettings(name, maxAttempts, delay, multiplier, maxDelay, jitter, maxDuration,
				List.copyOf(retryOn), List.copyOf(abortOn), builder.build());
	}

	/**
	 * Return when a call starts, for {@code maxDuration}: the clock is read only when
	 * there is such a limit.
	 * @return {@link System#nanoTime()}, or 0 without a limit
	 */
	long startNanos() {
		return (this.maxDuration != null) ? System.nanoTime() : 0;
	}

	/**
	 * Return the overall limit in nanoseconds, 0 for none.
	 * @return the limit
	 */
	long maxDurationNanos() {
		Duration maxDuration = this.maxDuration;
		return (maxDuration != null) ? maxDuration.toNanos() : 0;
	}

}
