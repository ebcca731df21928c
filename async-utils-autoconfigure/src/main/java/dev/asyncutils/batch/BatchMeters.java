package dev.asyncutils.batch;

import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters of a batch processor (and its copies made with {@code with(...)}), read from
 * its counts.
 */
public final class BatchMeters {

	/** The {@code name} tag of the auto-configured processor's meters. */
	public static final String NAME = "batchProcessor";

	private BatchMeters() {
	}

	/**
	 * Register the meters of one processor.
	 * @param registry the meter registry
	 * @param name the instance name
	 * @param stats the processor's counts; must stay strongly reachable
	 */
	public static void bind(MeterRegistry registry, String name, DefaultBatchProcessor.Stats stats) {
		FunctionCounter.builder("asyncutils.batch.items", stats, DefaultBatchProcessor.Stats::itemsSucceeded)
			.tag("name", name)
			.tag("result", "success")
			.description("Items that ended with a value")
			.register(registry);
		FunctionCounter.builder("asyncutils.batch.items", stats, DefaultBatchProcessor.Stats::itemsFailed)
			.tag("name", name)
			.tag("result", "failure")
			.description("Items that ended with an error")
			.register(registry);
		FunctionTimer
			.builder("asyncutils.batch.duration", stats, DefaultBatchProcessor.Stats::runs,
					DefaultBatchProcessor.Stats::runNanos, TimeUnit.NANOSECONDS)
			.tag("name", name)
			.description("Duration of finished runs")
			.register(registry);
	}

}
