package dev.asyncutils.observe;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.DurationRecorder;
import dev.asyncutils.core.FailureRecorder;

/**
 * Binds an instance's recorders to Micrometer meters, once per instance: a {@link Timer}
 * (so {@code management.metrics.distribution.*} applies to it) and counters tagged with
 * the failure's exception.
 */
public final class MeterBinding {

	/**
	 * Distinct exception tags one meter of one instance takes; later ones are counted as
	 * {@value #OTHER}, so that generated exception classes cannot grow the registry
	 * without bound.
	 */
	static final int MAX_EXCEPTIONS = 50;

	/** The {@code exception} tag of outcomes without a failure. */
	public static final String NONE = "none";

	/** The {@code exception} tag of failures beyond {@link #MAX_EXCEPTIONS}. */
	public static final String OTHER = "other";

	private MeterBinding() {
	}

	/**
	 * Register a timer and send the recorder's durations to it.
	 * @param registry the meter registry
	 * @param recorder the instance's recorder
	 * @param meter the meter name
	 * @param tags the tags
	 * @param description the description of the meter as a whole
	 */
	public static void timer(MeterRegistry registry, DurationRecorder recorder, String meter, Tags tags,
			String description) {
		Timer timer = Timer.builder(meter).tags(tags).description(description).register(registry);
		recorder.bind((nanos) -> timer.record(nanos, TimeUnit.NANOSECONDS));
	}

	/**
	 * Return a recorder that counts failures by outcome and exception.
	 * @param registry the meter registry
	 * @param meter the meter name
	 * @param tags the tags besides {@code result} and {@code exception}
	 * @param description the description of the meter as a whole
	 * @return the recorder
	 */
	public static FailureRecorder exceptionCounters(MeterRegistry registry, String meter, Tags tags,
			String description) {
		return new ExceptionCounters(registry, meter, tags, description);
	}

	/**
	 * Return the {@code exception} tag of a failure: its class's simple name (the full
	 * name for an anonymous class), as Micrometer's own aspects tag it.
	 * @param failure the failure
	 * @return the tag value
	 */
	public static String exceptionTag(Throwable failure) {
		Class<?> type = failure.getClass();
		String simple = type.getSimpleName();
		return simple.isEmpty() ? type.getName() : simple;
	}

	private static final class ExceptionCounters implements FailureRecorder {

		private final MeterRegistry registry;

		private final String meter;

		private final Tags tags;

		private final String description;

		/** Counters by result, then by exception class. */
		private final Map<String, Map<Class<?>, Counter>> counters = new ConcurrentHashMap<>();

		ExceptionCounters(MeterRegistry registry, String meter, Tags tags, String description) {
			this.registry = registry;
			this.meter = meter;
			this.tags = tags;
			this.description = description;
		}

		@Override
		public void record(@Nullable String result, Throwable failure) {
			String key = (result != null) ? result : "";
			Map<Class<?>, Counter> byClass = this.counters.get(key);
			if (byClass == null) {
				byClass = this.counters.computeIfAbsent(key, (k) -> new ConcurrentHashMap<>());
			}
			Counter counter = byClass.get(failure.getClass());
			if (counter == null) {
				counter = register(byClass, result, failure);
			}
			counter.increment();
		}

		private Counter register(Map<Class<?>, Counter> byClass, @Nullable String result, Throwable failure) {
			String exception = (byClass.size() < MAX_EXCEPTIONS) ? exceptionTag(failure) : OTHER;
			Tags tags = this.tags.and("exception", exception);
			if (result != null) {
				tags = tags.and("result", result);
			}
			Counter counter = Counter.builder(this.meter)
				.tags(tags)
				.description(this.description)
				.register(this.registry);
			Counter previous = byClass.putIfAbsent(failure.getClass(), counter);
			return (previous != null) ? previous : counter;
		}

	}

}
