package dev.asyncutils.debounce;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The effective settings of {@code @Debounce} on one method.
 *
 * @param name the instance name
 * @param delay the quiet period
 * @param maxWait the longest postponement, {@code null} for unbounded
 * @param key the key expression as written, {@code null} for one debouncer per method
 */
public record DebounceSettings(String name, Duration delay, @Nullable Duration maxWait, @Nullable String key) {

	long delayNanos() {
		return this.delay.toNanos();
	}

	long maxWaitNanos() {
		Duration maxWait = this.maxWait;
		return (maxWait != null) ? maxWait.toNanos() : Long.MAX_VALUE;
	}

}
