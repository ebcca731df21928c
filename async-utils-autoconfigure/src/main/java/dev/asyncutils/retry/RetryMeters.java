package dev.asyncutils.retry;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters of a retry instance, read from its {@link RetryStats}.
 */
public final class RetryMeters {

	private RetryMeters() {
	}

	/**
	 * Register the meters of one retry instance.
	 * @param registry the meter registry
	 * @param name the instance name
	 * @param stats the instance's counts
	 */
	public static void bind(MeterRegistry registry, String name, RetryStats stats) {
		calls(registry, name, stats, "success", RetryStats::successCount);
		calls(registry, name, stats, "success_after_retry", RetryStats::successAfterRetryCount);
		calls(registry, name, stats, "failure", RetryStats::failureCount);
		calls(registry, name, stats, "failure_after_retry", RetryStats::failureAfterRetryCount);
		calls(registry, name, stats, "aborted", RetryStats::abortedCount);
		FunctionCounter.builder("asyncutils.retry.retries", stats, RetryStats::retryCount)
			.tag("name", name)
			.description("Retries made")
			.register(registry);
	}

	private static void calls(MeterRegistry registry, String name, RetryStats stats, String result,
			ToDoubleFunction<RetryStats> count) {
		FunctionCounter.builder("asyncutils.retry.calls", stats, count)
			.tag("name", name)
			.tag("result", result)
			.description("Calls by how they ended")
			.register(registry);
	}

}
