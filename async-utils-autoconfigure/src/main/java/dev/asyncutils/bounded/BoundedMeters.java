package dev.asyncutils.bounded;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import dev.asyncutils.backend.BackendMeters;
import dev.asyncutils.backend.RemoteInstance;
import dev.asyncutils.observe.MeterBinding;

/**
 * The meters of a bounded instance, read from the limiter's own counters.
 */
public final class BoundedMeters {

	static final String CALLS = "Calls by whether they got a slot (permitted) or were rejected: "
			+ "line full, max-wait passed, or interrupted (rejected)";

	private BoundedMeters() {
	}

	/**
	 * Register the meters of one limiter.
	 * @param registry the meter registry
	 * @param name the instance name
	 * @param limiter the limiter
	 */
	public static void bind(MeterRegistry registry, String name, BoundedLimiter limiter) {
		FunctionCounter.builder("asyncutils.bounded.calls", limiter, BoundedLimiter::permittedCount)
			.tag("name", name)
			.tag("result", "permitted")
			.description(CALLS)
			.register(registry);
		FunctionCounter.builder("asyncutils.bounded.calls", limiter, BoundedLimiter::rejectedCount)
			.tag("name", name)
			.tag("result", "rejected")
			.description(CALLS)
			.register(registry);
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
		MeterBinding.timer(registry, limiter.waitRecorder(), "asyncutils.bounded.wait", Tags.of("name", name),
				"Time the calls that had to wait in line waited for a slot (calls that got one at once are not recorded)");
		RemoteInstance remote = limiter.remote();
		if (remote != null) {
			BackendMeters.bind(registry, "bounded", name, limiter.settings().backend(), remote);
		}
	}

}
