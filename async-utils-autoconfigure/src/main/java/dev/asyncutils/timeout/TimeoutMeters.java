package dev.asyncutils.timeout;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters of a timeout instance, read from its {@link TimeoutStats}.
 */
public final class TimeoutMeters {

	static final String CALLS = "Calls by whether they ended, successfully or not, within their deadline "
			+ "(completed) or their deadline passed (timed_out)";

	private TimeoutMeters() {
	}

	/**
	 * Register the meters of one timeout instance.
	 * @param registry the meter registry
	 * @param name the instance name
	 * @param stats the instance's counts
	 */
	public static void bind(MeterRegistry registry, String name, TimeoutStats stats) {
		FunctionCounter.builder("asyncutils.timeout.calls", stats, TimeoutStats::completedCount)
			.tag("name", name)
			.tag("result", "completed")
			.description(CALLS)
			.register(registry);
		FunctionCounter.builder("asyncutils.timeout.calls", stats, TimeoutStats::timedOutCount)
			.tag("name", name)
			.tag("result", "timed_out")
			.description(CALLS)
			.register(registry);
	}

}
