package dev.asyncutils.throttle;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.backend.FallbackShare;
import dev.asyncutils.core.admission.AdmissionCounters;
import dev.asyncutils.core.admission.AdmissionInstance;

/**
 * The local bucket that the {@code local} failure mode of a remote throttle instance
 * falls back to: each of the instance's limits divided to this process's
 * {@link FallbackShare}, so that the processes sharing the instance stay within its
 * limits together. A limit's burst is divided into whole permits
 * ({@link FallbackShare#of(int)}) and its rate exactly: the time between two permits is
 * the instance's multiplied by {@link FallbackShare#divisor(int)}, rounded up to the
 * nanosecond. A share with no permit of some limit's burst admits nothing. Starts full;
 * replaced by a new (full) one when the share changes, which happens only while the store
 * answers.
 */
final class FallbackBucket {

	private final FallbackShare share;

	/** The divided limits, {@code null} when this process's share admits nothing. */
	private final @Nullable Limits limits;

	private final Limits.@Nullable State state;

	private final String description;

	FallbackBucket(ThrottleSettings settings, FallbackShare share, LongSupplier clock) {
		this.share = share;
		List<ThrottleSettings.Limit> parts = new ArrayList<>();
		StringBuilder description = new StringBuilder();
		for (ThrottleSettings.Limit limit : settings.allLimits()) {
			int burst = share.of(limit.burst());
			description.append((description.length() == 0) ? "" : ", ")
				.append(burst)
				.append(" of burst ")
				.append(limit.burst());
			if (burst > 0) {
				parts.add(new ThrottleSettings.Limit(1, Duration.ofNanos(interval(limit, share, burst)), burst));
			}
		}
		boolean admits = parts.size() == settings.allLimits().size();
		this.limits = admits ? new Limits(parts, clock) : null;
		this.state = (this.limits != null) ? this.limits.newState() : null;
		this.description = description.append(" for ").append(share).toString();
	}

	/**
	 * Return the time between two permits of a limit's part: the limit's own times the
	 * divisor, rounded up; kept (far beyond any practical outage) where it would overflow
	 * the bucket's arithmetic.
	 */
	private static long interval(ThrottleSettings.Limit limit, FallbackShare share, int burst) {
		BigDecimal nanos = new BigDecimal(limit.per().toNanos())
			.multiply(BigDecimal.valueOf(share.divisor(limit.burst())))
			.divide(BigDecimal.valueOf(limit.rate()), 0, RoundingMode.CEILING);
		long most = AdmissionInstance.MAX_WAIT_NANOS / burst;
		return (nanos.compareTo(BigDecimal.valueOf(most)) > 0) ? most : Math.max(1, nanos.longValueExact());
	}

	FallbackShare share() {
		return this.share;
	}

	/**
	 * Reserve a permit if it is due within {@code maxWaitNanos}, counting the outcome.
	 * @param maxWaitNanos the longest acceptable wait
	 * @param counters the instance's counters
	 * @return the nanoseconds until the permit is due, or {@link Limits#REJECTED}
	 */
	long reserve(long maxWaitNanos, AdmissionCounters counters) {
		if (this.limits == null || this.state == null) {
			counters.rejected();
			return Limits.REJECTED;
		}
		long due = this.limits.reserve(this.state, 1, Math.min(maxWaitNanos, AdmissionInstance.MAX_WAIT_NANOS), false,
				counters, true);
		return (due == Limits.REJECTED) ? due : Limits.waitNanos(due, this.limits.now());
	}

	/**
	 * Return how long until a permit of this share is free.
	 * @return the wait; {@link Duration#ZERO} when the share admits nothing (the store
	 * decides again once it answers)
	 */
	Duration timeUntilPermit() {
		if (this.limits == null || this.state == null) {
			return Duration.ZERO;
		}
		return Duration.ofNanos(Math.max(0, this.limits.nanosUntilPermit(this.state)));
	}

	@Override
	public String toString() {
		return this.description;
	}

}
