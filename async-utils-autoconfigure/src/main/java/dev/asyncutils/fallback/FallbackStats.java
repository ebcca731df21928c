package dev.asyncutils.fallback;

import java.util.concurrent.atomic.LongAdder;

import dev.asyncutils.core.FailureRecorder;
import dev.asyncutils.core.Signals;

/**
 * The live count of one fallback instance (named {@code SimpleClassName.methodName} after
 * the guarded method), read by the metrics and the actuator endpoint.
 */
public final class FallbackStats {

	private final LongAdder calls = new LongAdder();

	private final String name;

	private final String fallbackMethod;

	private volatile Signals signals = Signals.NONE;

	FallbackStats(String name, String fallbackMethod) {
		this.name = name;
		this.fallbackMethod = fallbackMethod;
	}

	private volatile FailureRecorder failures = FailureRecorder.NOWHERE;

	void called(Throwable failure) {
		this.calls.increment();
		this.failures.record(null, failure);
		this.signals.fallback(this.name, failure);
	}

	/**
	 * Tell every later use of the fallback to these signals.
	 * @param signals the signals (events, observations)
	 */
	public void signals(Signals signals) {
		this.signals = signals;
	}

	/**
	 * Send every later use of the fallback, with the failure it answered, to a recorder.
	 * @param failures the recorder
	 */
	public void failures(FailureRecorder failures) {
		this.failures = failures;
	}

	/**
	 * Return the name of the method that supplies the fallback result.
	 * @return the fallback method's name
	 */
	public String fallbackMethod() {
		return this.fallbackMethod;
	}

	/**
	 * Return how often the fallback answered.
	 * @return the count
	 */
	public long callCount() {
		return this.calls.sum();
	}

}
