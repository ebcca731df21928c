package dev.asyncutils.circuitbreaker;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.annotation.CircuitBreaker;
import dev.asyncutils.core.Settings;

/**
 * The values a {@code @CircuitBreaker} annotation (or a programmatic step in its place)
 * sets, {@code null} for each one left unset: they rank between
 * {@code instances.<name>.*} and {@code defaults.*}.
 *
 * @param failureRateThreshold percent of failed calls at which the breaker opens
 * @param slowCallDuration calls longer than this are slow
 * @param slowCallRateThreshold percent of slow calls at which the breaker opens
 * @param minimumCalls calls recorded before any rate is judged
 * @param windowCalls the size of a count-based window
 * @param windowDuration the length of a time-based window
 * @param waitInOpen how long the breaker stays open
 * @param halfOpenCalls trial calls while half-open
 * @param recordOn failures that count
 * @param ignoreOn failures that count neither way
 */
public record BreakerAttributes(@Nullable Integer failureRateThreshold, @Nullable Duration slowCallDuration,
		@Nullable Integer slowCallRateThreshold, @Nullable Integer minimumCalls, @Nullable Integer windowCalls,
		@Nullable Duration windowDuration, @Nullable Duration waitInOpen, @Nullable Integer halfOpenCalls,
		@Nullable List<Class<? extends Throwable>> recordOn, @Nullable List<Class<? extends Throwable>> ignoreOn) {

	/** Nothing set: everything comes from properties and built-in defaults. */
	public static final BreakerAttributes NONE = new BreakerAttributes(null, null, null, null, null, null, null, null,
			null, null);

	/**
	 * Read the attributes of an annotation, parsing its durations (placeholders resolved)
	 * through the settings resolver, which reports a bad one.
	 * @param annotation the annotation
	 * @param settings the resolver of the instance
	 * @return the attributes
	 */
	static BreakerAttributes of(CircuitBreaker annotation, Settings settings) {
		return new BreakerAttributes(Settings.unlessUnset(annotation.failureRateThreshold(), -1),
				settings.duration("slowCallDuration", annotation.slowCallDuration()),
				Settings.unlessUnset(annotation.slowCallRateThreshold(), -1),
				Settings.unlessUnset(annotation.minimumCalls(), -1), Settings.unlessUnset(annotation.windowCalls(), -1),
				settings.duration("windowDuration", annotation.windowDuration()),
				settings.duration("waitInOpen", annotation.waitInOpen()),
				Settings.unlessUnset(annotation.halfOpenCalls(), -1), Settings.unlessEmpty(annotation.recordOn()),
				Settings.unlessEmpty(annotation.ignoreOn()));
	}

}
