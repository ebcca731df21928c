package dev.asyncutils.throttle;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.backend.BackendSettings;

/**
 * The effective settings of one throttle instance.
 *
 * @param name the instance name
 * @param rate permits per {@code per}
 * @param per the period of {@code rate}
 * @param burst the bucket capacity
 * @param maxWait the longest a caller may wait, {@code null} for unbounded
 * @param backend where the bucket lives
 */
public record ThrottleSettings(String name, double rate, Duration per, int burst, @Nullable Duration maxWait,
		BackendSettings backend) {

	/**
	 * Create the settings of a local instance.
	 * @param name the instance name
	 * @param rate permits per {@code per}
	 * @param per the period of {@code rate}
	 * @param burst the bucket capacity
	 * @param maxWait the longest a caller may wait, {@code null} for unbounded
	 */
	public ThrottleSettings(String name, double rate, Duration per, int burst, @Nullable Duration maxWait) {
		this(name, rate, per, burst, maxWait, BackendSettings.LOCAL);
	}

	/**
	 * Return the time between two permits, {@code per / rate}, rounded up to whole
	 * nanoseconds so that rounding never admits more than configured.
	 * @return the emission interval in nanoseconds, at least 1
	 */
	public long intervalNanos() {
		BigDecimal nanos = new BigDecimal(this.per.toNanos()).divide(BigDecimal.valueOf(this.rate), 0,
				RoundingMode.CEILING);
		return Math.max(1, nanos.longValueExact());
	}

}
