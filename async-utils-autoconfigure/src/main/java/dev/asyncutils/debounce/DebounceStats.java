package dev.asyncutils.debounce;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The live counts of one debounce instance (shared by every method with its name), read
 * by the metrics and the actuator endpoint.
 */
public final class DebounceStats {

	private final LongAdder calls = new LongAdder();

	private final LongAdder runs = new LongAdder();

	private final LongAdder pending = new LongAdder();

	private final Map<String, DebounceSettings> methods = new ConcurrentHashMap<>();

	void method(String description, DebounceSettings settings) {
		this.methods.put(description, settings);
	}

	void called() {
		this.calls.increment();
	}

	void keyPending() {
		this.pending.increment();
	}

	void runStarted() {
		this.pending.decrement();
		this.runs.increment();
	}

	/**
	 * Return the effective settings of every method using this instance.
	 * @return the settings by method
	 */
	public Map<String, DebounceSettings> methods() {
		return new TreeMap<>(this.methods);
	}

	/**
	 * Return the calls made.
	 * @return the count
	 */
	public long callCount() {
		return this.calls.sum();
	}

	/**
	 * Return the runs started (each for one or more coalesced calls).
	 * @return the count
	 */
	public long runCount() {
		return this.runs.sum();
	}

	/**
	 * Return the keys with calls waiting for their run.
	 * @return the count
	 */
	public long pendingKeys() {
		return this.pending.sum();
	}

}
