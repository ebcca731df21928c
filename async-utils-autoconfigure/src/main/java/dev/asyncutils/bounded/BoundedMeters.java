package dev.asyncutils.bounded;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import dev.asyncutils.backend.BackendMeters;
import dev.asyncutils.backend.RemoteInstance;
import dev.asyncutils.core.admission.AdmissionMeters;

/**
 * The meters of a bounded instance, read from the limiter's own counters.
 */
public final class BoundedMeters {

	private BoundedMeters() {
	}

	/**
	 * Register the meters of one limiter.
	 * @param registry the meter registry
	 * @param name the instance name
	 * @param limiter the limiter
	 */
	public static void bind(MeterRegistry registry, String name, BoundedLimiter limiter) {
		AdmissionMeters.bind(registry, "bounded", name, limiter, "a slot",
				"(line full, max-wait passed, or interrupted)");
		Gauge.builder("asyncutils.bounded.active", limiter, BoundedLimiter::active)
			.tag("name", name)
			.description("Calls holding a slot")
			.register(registry);
		Gauge.builder("asyncutils.bounded.waiting", limiter, BoundedLimiter::waiting)
			.tag("name", name)
			.description("Calls waiting in line")
			.register(registry);
		Gauge.builder("asyncutils.bounded.limit", limiter, BoundedLimiter::limit)
			.tag("name", name)
			.description("Most calls in flight at once")
			.register(registry);
		RemoteInstance remote = limiter.remote();
		if (remote != null) {
			BackendMeters.bind(registry, "bounded", name, limiter.settings().backend(), remote);
		}
	}

}
