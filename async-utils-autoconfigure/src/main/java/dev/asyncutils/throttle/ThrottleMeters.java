package dev.asyncutils.throttle;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import dev.asyncutils.backend.BackendMeters;
import dev.asyncutils.backend.RemoteInstance;
import dev.asyncutils.observe.MeterBinding;

/**
 * The meters of a throttle instance, read from the bucket's own counters, and its wait
 * timer, recorded only by calls that had to wait.
 */
public final class ThrottleMeters {

	static final String CALLS = "Calls by whether they got a permit (permitted) or were rejected "
			+ "because the next permit was further away than max-wait (rejected)";

	private ThrottleMeters() {
	}

	/**
	 * Register the meters of one bucket.
	 * @param registry the meter registry
	 * @param name the instance name
	 * @param bucket the bucket
	 */
	public static void bind(MeterRegistry registry, String name, TokenBucket bucket) {
		FunctionCounter.builder("asyncutils.throttle.calls", bucket, TokenBucket::permittedCount)
			.tag("name", name)
			.tag("result", "permitted")
			.description(CALLS)
			.register(registry);
		FunctionCounter.builder("asyncutils.throttle.calls", bucket, TokenBucket::rejectedCount)
			.tag("name", name)
			.tag("result", "rejected")
			.description(CALLS)
			.register(registry);
		MeterBinding.timer(registry, bucket.waitRecorder(), "asyncutils.throttle.wait", Tags.of("name", name),
				"Time the calls that had to wait for a permit waited (calls that got one at once are not recorded)");
		Gauge.builder("asyncutils.throttle.available", bucket, TokenBucket::availablePermits)
			.tag("name", name)
			.description("Permits that could be taken back to back now")
			.register(registry);
		RemoteInstance remote = bucket.remote();
		if (remote != null) {
			BackendMeters.bind(registry, "throttle", name, bucket.settings().backend(), remote);
		}
	}

}
