package dev.asyncutils.fallback;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import dev.asyncutils.observe.MeterBinding;

/**
 * The meter of a fallback instance: counted as the fallback answers, tagged with the
 * exception it answered.
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
		stats.failures(MeterBinding.exceptionCounters(registry, "asyncutils.fallback.calls", Tags.of("name", name),
				"Calls answered by the fallback method, tagged with the exception it answered"));
	}

}
