package dev.asyncutils.core.admission;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters every admission guard has, read from its counters (recording a call never
 * touches Micrometer): {@code asyncutils.<kind>.calls} by {@code result}
 * ({@code permitted}, {@code rejected}) and {@code asyncutils.<kind>.wait}.
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
		FunctionCounter.builder("asyncutils." + kind + ".calls", instance, AdmissionInstance::permittedCount)
			.tag("name", name)
			.tag("result", "permitted")
			.description("Calls that got " + what)
			.register(registry);
		FunctionCounter.builder("asyncutils." + kind + ".calls", instance, AdmissionInstance::rejectedCount)
			.tag("name", name)
			.tag("result", "rejected")
			.description("Calls rejected " + rejectedWhen)
			.register(registry);
		FunctionTimer
			.builder("asyncutils." + kind + ".wait", instance, AdmissionInstance::waitedCount,
					AdmissionInstance::totalWaitNanos, TimeUnit.NANOSECONDS)
			.tag("name", name)
			.description("Time the calls that had to wait for " + what + " waited")
			.register(registry);
	}

}
