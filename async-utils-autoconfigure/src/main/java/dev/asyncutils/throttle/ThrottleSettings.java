package dev.asyncutils.throttle;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationStyle;

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
 * @param limits further limits that apply in addition to {@code rate}, empty for none
 * @param maxKeys the most keys held at once by a keyed instance
 */
public record ThrottleSettings(String name, double rate, Duration per, int burst, @Nullable Duration maxWait,
		BackendSettings backend, List<Limit> limits, int maxKeys) {

	/** The built-in default of {@code max-keys}. */
	public static final int DEFAULT_MAX_KEYS = 10_000;

	/**
	 * Create the settings of an instance with no further limits and the default
	 * {@code max-keys}.
	 * @param name the instance name
	 * @param rate permits per {@code per}
	 * @param per the period of {@code rate}
	 * @param burst the bucket capacity
	 * @param maxWait the longest a caller may wait, {@code null} for unbounded
	 * @param backend where the bucket lives
	 */
	public ThrottleSettings(String name, double rate, Duration per, int burst, @Nullable Duration maxWait,
			BackendSettings backend) {
		this(name, rate, per, burst, maxWait, backend, List.of(), DEFAULT_MAX_KEYS);
	}

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
		return intervalNanos(this.rate, this.per);
	}

	static long intervalNanos(double rate, Duration per) {
		BigDecimal nanos = new BigDecimal(per.toNanos()).divide(BigDecimal.valueOf(rate), 0, RoundingMode.CEILING);
		return Math.max(1, nanos.longValueExact());
	}

	/**
	 * Return every limit of the instance: its own ({@code rate}, {@code per},
	 * {@code burst}) first, then the further ones.
	 * @return the limits
	 */
	public List<Limit> allLimits() {
		if (this.limits.isEmpty()) {
			return List.of(new Limit(this.rate, this.per, this.burst));
		}
		List<Limit> all = new ArrayList<>(this.limits.size() + 1);
		all.add(new Limit(this.rate, this.per, this.burst));
		all.addAll(this.limits);
		return all;
	}

	/**
	 * One limit: {@code rate} permits per {@code per}, up to {@code burst} back to back.
	 *
	 * @param rate permits per {@code per}
	 * @param per the period of {@code rate}
	 * @param burst the capacity
	 */
	public record Limit(double rate, Duration per, int burst) {

		/**
		 * Return the time between two permits, rounded up to whole nanoseconds.
		 * @return the interval in nanoseconds, at least 1
		 * @throws ArithmeticException if it does not fit in a {@code long}
		 */
		public long intervalNanos() {
			return ThrottleSettings.intervalNanos(this.rate, this.per);
		}

		@Override
		public String toString() {
			return this.rate + " per " + DurationStyle.SIMPLE.print(this.per) + " (burst " + this.burst + ")";
		}

	}

}
