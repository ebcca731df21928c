package dev.asyncutils.throttle;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.backend.BackendSettings;
import dev.asyncutils.backend.FallbackShare;
import dev.asyncutils.core.admission.AdmissionCounters;
import dev.asyncutils.core.admission.AdmissionInstance;

/**
 * What the {@code local} failure mode of a remote throttle instance falls back to: a
 * local {@link TokenBucket} (with its buckets per key) of each of the instance's limits
 * divided to this process's {@link FallbackShare}, so that the processes sharing the
 * instance stay within its limits together. A limit's burst is divided into whole permits
 * ({@link FallbackShare#of(int)}) and its rate exactly: the time between two permits is
 * the instance's multiplied by {@link FallbackShare#divisor(int)}, rounded up to the
 * nanosecond. A share with no permit of some limit's burst admits nothing. The bucket
 * counts into the instance's counters. Starts full; replaced by a new (full) one when the
 * share changes, which happens only while the store answers.
 */
final class FallbackBucket {

	private final FallbackShare share;

	/** The bucket of the divided limits, {@code null} when the share admits nothing. */
	private final @Nullable TokenBucket bucket;

	private final String description;

	FallbackBucket(ThrottleSettings settings, FallbackShare share, LongSupplier clock, AdmissionCounters counters) {
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
		this.description = description.append(" for ").append(share).toString();
		if (parts.size() < settings.allLimits().size()) {
			this.bucket = null;
			return;
		}
		ThrottleSettings.Limit own = parts.get(0);
		ThrottleSettings divided = new ThrottleSettings(settings.name(), own.rate(), own.per(), own.burst(),
				settings.maxWait(), BackendSettings.LOCAL, parts.subList(1, parts.size()), settings.maxKeys());
		this.bucket = new TokenBucket(divided, clock, null, counters);
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
	 * Return the local bucket of this share.
	 * @return the bucket, {@code null} when this process's share admits nothing
	 */
	@Nullable TokenBucket bucket() {
		return this.bucket;
	}

	@Override
	public String toString() {
		return this.description;
	}

}
