package dev.asyncutils.batch;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import dev.asyncutils.observe.MeterBinding;

/**
 * The meters of a batch processor (and its copies made with {@code with(...)}), read from
 * its counts.
 */
public final class BatchMeters {

	/** The {@code name} tag of the auto-configured processor's meters. */
	public static final String NAME = "batchProcessor";

	static final String ITEMS = "Items by whether they ended with a value (success) or an error (failure)";

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
			.description(ITEMS)
			.register(registry);
		FunctionCounter.builder("asyncutils.batch.items", stats, DefaultBatchProcessor.Stats::itemsFailed)
			.tag("name", name)
			.tag("result", "failure")
			.description(ITEMS)
			.register(registry);
		MeterBinding.timer(registry, stats.runRecorder(), "asyncutils.batch.duration", Tags.of("name", name),
				"Duration of finished runs (one process, processAsync, processBatches or stream call each)");
	}

}
