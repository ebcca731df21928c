package dev.asyncutils.fallback;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meter of a fallback instance, read from its {@link FallbackStats}.
 */
public final class FallbackMeters {

	private FallbackMeters() {
	}

	/**
	 * Register the meter of one fallback instance.
	 * @param registry the meter registry
	 * @param name the instance name
	 * @param stats the instance's count
	 */
	public static void bind(MeterRegistry registry, String name, FallbackStats stats) {
		FunctionCounter.builder("asyncutils.fallback.calls", stats, FallbackStats::callCount)
			.tag("name", name)
			.description("Calls answered by the fallback method")
			.register(registry);
	}

}
