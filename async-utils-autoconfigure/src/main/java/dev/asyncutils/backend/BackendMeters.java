package dev.asyncutils.backend;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters of an instance's remote backend: {@code asyncutils.<backend>.failures}
 * (commands that failed or timed out, and calls decided by the failure mode while the
 * backend was unhealthy) and {@code asyncutils.<backend>.healthy} (1 or 0).
 */
public final class BackendMeters {

	private BackendMeters() {
	}

	/**
	 * Register the meters of one remote instance.
	 * @param registry the meter registry
	 * @param kind {@code throttle} or {@code bounded}
	 * @param name the instance name
	 * @param settings the instance's backend settings
	 * @param remote the remote state
	 */
	public static void bind(MeterRegistry registry, String kind, String name, BackendSettings settings,
			RemoteInstance remote) {
		String prefix = "asyncutils." + settings.backend();
		FunctionCounter.builder(prefix + ".failures", remote, RemoteInstance::failureCount)
			.tag("name", name)
			.tag("kind", kind)
			.tag("mode", settings.onFailure().toString())
			.description("Backend commands that failed or timed out, and calls decided by the failure mode "
					+ "while the backend was unhealthy")
			.register(registry);
		Gauge.builder(prefix + ".healthy", remote, (state) -> state.healthy() ? 1 : 0)
			.tag("name", name)
			.tag("kind", kind)
			.description("1 while the backend answers in time, 0 while the failure mode applies")
			.register(registry);
	}

}
