package dev.asyncutils.throttle;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import dev.asyncutils.backend.BackendMeters;
import dev.asyncutils.backend.RemoteInstance;
import dev.asyncutils.core.admission.AdmissionMeters;

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
		AdmissionMeters.bind(registry, "throttle", name, bucket, "a permit",
				"because the next permit was further away than max-wait");
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
