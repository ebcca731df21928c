package dev.asyncutils.fallback;

import java.util.concurrent.atomic.LongAdder;

/**
 * The live count of one fallback instance (named {@code SimpleClassName.methodName} after
 * the guarded method), read by the metrics and the actuator endpoint.
 */
public final class FallbackStats {

	private final LongAdder calls = new LongAdder();

	private final String fallbackMethod;

	FallbackStats(String fallbackMethod) {
		this.fallbackMethod = fallbackMethod;
	}

	void called() {
		this.calls.increment();
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
