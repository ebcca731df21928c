package dev.asyncutils.debounce;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters of a debounce instance, read from its {@link DebounceStats}.
 */
public final class DebounceMeters {

	private DebounceMeters() {
	}

	/**
	 * Register the meters of one debounce instance.
	 * @param registry the meter registry
	 * @param name the instance name
	 * @param stats the instance's counts
	 */
	public static void bind(MeterRegistry registry, String name, DebounceStats stats) {
		FunctionCounter.builder("asyncutils.debounce.calls", stats, DebounceStats::callCount)
			.tag("name", name)
			.description("Calls to debounced methods, coalesced into runs")
			.register(registry);
		FunctionCounter.builder("asyncutils.debounce.runs", stats, DebounceStats::runCount)
			.tag("name", name)
			.description("Runs of debounced methods, each for one or more coalesced calls")
			.register(registry);
	}

}
