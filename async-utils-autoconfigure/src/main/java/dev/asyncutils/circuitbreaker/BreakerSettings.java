package dev.asyncutils.circuitbreaker;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The effective settings of one circuit breaker instance.
 *
 * @param name the instance name
 * @param failureRateThreshold percent of failed calls at which the breaker opens
 * @param slowCallDuration calls longer than this are slow, {@code null} for none
 * @param slowCallRateThreshold percent of slow calls at which the breaker opens
 * @param minimumCalls calls recorded before any rate is judged
 * @param windowCalls the size of a count-based window, {@code 0} for a time-based one
 * @param windowDuration the length of a time-based window, {@code null} for a count-based
 * one
 * @param waitInOpen how long the breaker stays open before trial calls
 * @param halfOpenCalls trial calls let through while half-open
 * @param recordOn failures that count
 * @param ignoreOn failures that count neither way
 */
public record BreakerSettings(String name, int failureRateThreshold, @Nullable Duration slowCallDuration,
		int slowCallRateThreshold, int minimumCalls, int windowCalls, @Nullable Duration windowDuration,
		Duration waitInOpen, int halfOpenCalls, List<Class<? extends Throwable>> recordOn,
		List<Class<? extends Throwable>> ignoreOn) {

	/**
	 * Return whether the window is time-based.
	 * @return {@code true} for a {@code windowDuration} window
	 */
	public boolean timeBased() {
		return this.windowDuration != null;
	}

	/**
	 * Return the window kind and size, as a user writes it.
	 * @return e.g. {@code "last 100 calls"} or {@code "last 60s"}
	 */
	@Override
	public String toString() {
		return "BreakerSettings[name=" + this.name + ", failureRateThreshold=" + this.failureRateThreshold
				+ ", slowCallDuration=" + this.slowCallDuration + ", slowCallRateThreshold="
				+ this.slowCallRateThreshold + ", minimumCalls=" + this.minimumCalls + ", "
				+ (timeBased() ? "windowDuration=" + this.windowDuration : "windowCalls=" + this.windowCalls)
				+ ", waitInOpen=" + this.waitInOpen + ", halfOpenCalls=" + this.halfOpenCalls + ", recordOn="
				+ this.recordOn.stream().map(Class::getSimpleName).toList() + ", ignoreOn="
				+ this.ignoreOn.stream().map(Class::getSimpleName).toList() + "]";
	}

}
