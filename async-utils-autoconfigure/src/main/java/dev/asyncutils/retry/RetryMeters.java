package dev.asyncutils.retry;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import dev.asyncutils.observe.MeterBinding;

/**
 * The meters of a retry instance: the successful outcomes read from its
 * {@link RetryStats}, the failed ones counted as they happen, tagged with the final
 * failure's exception.
 */
public final class RetryMeters {

	static final String CALLS = "Calls by how they ended: success (first attempt), success_after_retry, "
			+ "failure (failed at the only attempt made), failure_after_retry, aborted (abort-on matched); "
			+ "failed outcomes are tagged with the exception the caller got";

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
		stats
			.failures(MeterBinding.exceptionCounters(registry, "asyncutils.retry.calls", Tags.of("name", name), CALLS));
		FunctionCounter.builder("asyncutils.retry.retries", stats, RetryStats::retryCount)
			.tag("name", name)
			.description("Retries made (failed attempts followed by another attempt)")
			.register(registry);
	}

	private static void calls(MeterRegistry registry, String name, RetryStats stats, String result,
			ToDoubleFunction<RetryStats> count) {
		FunctionCounter.builder("asyncutils.retry.calls", stats, count)
			.tag("name", name)
			.tag("result", result)
			.tag("exception", MeterBinding.NONE)
			.description(CALLS)
			.register(registry);
	}

}
