package dev.asyncutils.core.admission;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The meters every admission guard has: {@code asyncutils.<kind>.calls} by {@code result}
 * ({@code permitted}, {@code rejected}), read from its counters, and the timer
 * {@code asyncutils.<kind>.wait}, recorded by the calls that waited.
 */
public final class AdmissionMeters {

	private AdmissionMeters() {
	}

	/**
	 * Register the call and wait meters of one instance.
	 * @param registry the meter registry
	 * @param kind {@code throttle}, {@code bounded}, ...
	 * @param name the instance name
	 * @param instance the instance
	 * @param what what a call gets when it is permitted ({@code a permit},
	 * {@code a slot})
	 * @param rejectedWhen when a call is rejected, for the description
	 */
	public static void bind(MeterRegistry registry, String kind, String name, AdmissionInstance instance, String what,
			String rejectedWhen) {
		String calls = "Calls by whether they got " + what + " (permitted) or were rejected " + rejectedWhen
				+ " (rejected)";
		FunctionCounter.builder("asyncutils." + kind + ".calls", instance, AdmissionInstance::permittedCount)
			.tag("name", name)
			.tag("result", "permitted")
			.description(calls)
			.register(registry);
		FunctionCounter.builder("asyncutils." + kind + ".calls", instance, AdmissionInstance::rejectedCount)
			.tag("name", name)
			.tag("result", "rejected")
			.description(calls)
			.register(registry);
		// a real timer, resolved once: management.metrics.distribution.* applies to it
		Timer wait = Timer.builder("asyncutils." + kind + ".wait")
			.tag("name", name)
			.description("Time the calls that had to wait for " + what + " waited (calls that got "
					+ what.replaceFirst("^a ", "one ") + " at once are not recorded)")
			.register(registry);
		instance.counters().waitRecorder().bind((nanos) -> wait.record(nanos, TimeUnit.NANOSECONDS));
	}

}
