package dev.asyncutils.core.admission;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.Settings;
import dev.asyncutils.core.Settings.Setting;

/**
 * What every named instance of an admission guard shares (a throttle bucket, a bounded
 * limit): its {@link Admission}, its counters, and the resolution of its
 * {@code max-wait}.
 */
public abstract class AdmissionInstance {

	/**
	 * The longest a caller may wait for admission, whatever the max-wait: a quarter of
	 * the nanoseconds a {@code long} holds (about 73 years), so that adding it to a clock
	 * reading, or a throttle's backlog, can never wrap around.
	 */
	public static final long MAX_WAIT_NANOS = Long.MAX_VALUE / 4;

	private final AdmissionCounters counters;

	/**
	 * Create an instance with counters of its own.
	 */
	protected AdmissionInstance() {
		this(new AdmissionCounters());
	}

	/**
	 * Create an instance that counts into the given counters (the bucket of one key of a
	 * keyed instance counts into the instance's).
	 * @param counters the counters
	 */
	protected AdmissionInstance(AdmissionCounters counters) {
		this.counters = counters;
	}

	/**
	 * Return the guard that admits the calls of this instance, local or remote.
	 * @return the admission
	 */
	public abstract Admission admission();

	/**
	 * Return the counters of this instance, for the admissions that count its calls.
	 * @return the counters
	 */
	public final AdmissionCounters counters() {
		return this.counters;
	}

	/**
	 * Return how many calls were permitted (and not given back unused).
	 * @return the permitted calls
	 */
	public long permittedCount() {
		return this.counters.permittedCount();
	}

	/**
	 * Return how many calls were rejected.
	 * @return the rejected calls
	 */
	public long rejectedCount() {
		return this.counters.rejectedCount();
	}

	/**
	 * Return how many permitted calls had to wait.
	 * @return the calls that waited
	 */
	public long waitedCount() {
		return this.counters.waitedCount();
	}

	/**
	 * Return the total time permitted callers waited.
	 * @return the total wait in nanoseconds
	 */
	public long totalWaitNanos() {
		return this.counters.totalWaitNanos();
	}

	/**
	 * Resolve and check the {@code max-wait} of an instance: not negative, and not beyond
	 * {@link #MAX_WAIT_NANOS}.
	 * @param settings the resolver for the instance
	 * @param instance the value under {@code instances.<name>}, if any
	 * @param annotation the annotation's raw value, {@code null} for a property-only
	 * instance
	 * @param defaults the value under {@code defaults}, if any
	 * @return the max-wait, {@code null} for unbounded
	 */
	public static @Nullable Duration maxWait(Settings settings, @Nullable Duration instance,
			@Nullable String annotation, @Nullable Duration defaults) {
		Setting<Duration> maxWait = settings.pick("maxWait", "max-wait", instance,
				(annotation != null) ? settings.duration("maxWait", annotation) : null, defaults, null);
		if (maxWait.value() == null) {
			return null;
		}
		if (maxWait.required().isNegative()) {
			throw settings.invalid(maxWait, "must not be negative");
		}
		if (maxWait.required().compareTo(Duration.ofNanos(MAX_WAIT_NANOS)) > 0) {
			throw settings.invalid(maxWait, "is longer than a throttle or a limit can track ("
					+ Duration.ofNanos(MAX_WAIT_NANOS).toDays() + " days); leave max-wait unset for no limit");
		}
		return maxWait.required();
	}

}
