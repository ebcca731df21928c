package dev.asyncutils.throttle;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import dev.asyncutils.backend.BackendMeters;
import dev.asyncutils.backend.RemoteInstance;

/**
 * The meters of a throttle instance, read from the bucket's own counters: recording a
 * call never touches Micrometer.
 */
public final class ThrottleMeters {

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
			.description("Calls that got a permit")
			.register(registry);
		FunctionCounter.builder("asyncutils.throttle.calls", bucket, TokenBucket::rejectedCount)
			.tag("name", name)
			.tag("result", "rejected")
			.description("Calls rejected because the next permit was further away than max-wait")
			.register(registry);
		FunctionTimer
			.builder("asyncutils.throttle.wait", bucket, TokenBucket::waitedCount, TokenBucket::totalWaitNanos,
					TimeUnit.NANOSECONDS)
			.tag("name", name)
			.description("Time the calls that had to wait for a permit waited")
			.register(registry);
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
