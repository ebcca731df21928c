package dev.asyncutils.timeout;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.asyncutils.core.Signals;

/**
 * The live counts of one timeout instance (shared by every method with its name), read by
 * the metrics and the actuator endpoint.
 */
public final class TimeoutStats {

	private final LongAdder completed = new LongAdder();

	private final LongAdder timedOut = new LongAdder();

	private final Map<String, TimeoutSettings> methods = new ConcurrentHashMap<>();

	private volatile Signals signals = Signals.NONE;

	void method(String description, TimeoutSettings settings) {
		this.methods.put(description, settings);
	}

	void completed() {
		this.completed.increment();
	}

	void timedOut(TimeoutSettings settings) {
		this.timedOut.increment();
		this.signals.timedOut(settings.name(), settings.timeout());
	}

	/**
	 * Tell every later timeout to these signals.
	 * @param signals the signals (events, observations)
	 */
	public void signals(Signals signals) {
		this.signals = signals;
	}

	/**
	 * Return the effective settings of every method using this instance.
	 * @return the settings by method
	 */
	public Map<String, TimeoutSettings> methods() {
		return new TreeMap<>(this.methods);
	}

	/**
	 * Return the calls that finished (successfully or not) within their deadline.
	 * @return the count
	 */
	public long completedCount() {
		return this.completed.sum();
	}

	/**
	 * Return the calls whose deadline passed.
	 * @return the count
	 */
	public long timedOutCount() {
		return this.timedOut.sum();
	}

}
