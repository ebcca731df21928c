package dev.asyncutils.circuitbreaker;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * What the actuator endpoint shows of a breaker: its effective settings, its state
 * ({@code "closed"}, {@code "open"}, {@code "half_open"}), the rates and counts of its
 * window, the time left open, and its call counts.
 */
public final class CircuitDescription {

	private CircuitDescription() {
	}

	/**
	 * Describe a breaker.
	 * @param circuit the breaker
	 * @param format writes a duration as a user writes it ({@code "30s"}), or
	 * {@code null} for {@code null}
	 * @return the description: numbers are numbers, and what is absent (the call count of
	 * a time-based window, a rate not judged yet) is {@code null}
	 */
	public static Map<String, Object> of(Circuit circuit, Function<@Nullable Duration, @Nullable String> format) {
		BreakerSettings settings = circuit.settings();
		Map<String, Object> effective = new LinkedHashMap<>();
		effective.put("failureRateThreshold", settings.failureRateThreshold());
		effective.put("slowCallDuration", format.apply(settings.slowCallDuration()));
		effective.put("slowCallRateThreshold", settings.slowCallRateThreshold());
		effective.put("minimumCalls", settings.minimumCalls());
		effective.put("windowCalls", settings.timeBased() ? null : settings.windowCalls());
		effective.put("windowDuration", format.apply(settings.windowDuration()));
		effective.put("waitInOpen", format.apply(settings.waitInOpen()));
		effective.put("halfOpenCalls", settings.halfOpenCalls());
		effective.put("recordOn", settings.recordOn().stream().map(Class::getName).toList());
		effective.put("ignoreOn", settings.ignoreOn().stream().map(Class::getName).toList());
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("settings", effective);
		described.put("state", circuit.state().name().toLowerCase(java.util.Locale.ROOT));
		Window.Counts counts = circuit.counts();
		described.put("failureRate", (counts != null) ? judged(counts.failureRate()) : null);
		described.put("slowCallRate", (counts != null) ? judged(counts.slowCallRate()) : null);
		Map<String, Object> window = new LinkedHashMap<>();
		window.put("type", settings.timeBased() ? "time" : "count");
		window.put("size", settings.timeBased() ? format.apply(settings.windowDuration()) : settings.windowCalls());
		window.put("calls", (counts != null) ? counts.calls() : 0L);
		window.put("failures", (counts != null) ? counts.failures() : 0L);
		window.put("slow", (counts != null) ? counts.slow() : 0L);
		described.put("window", window);
		Duration left = circuit.timeLeftOpen();
		// whole milliseconds, rounded up: still open when this says 1ms
		described.put("timeLeftOpen", format.apply(Duration.ofMillis((left.toNanos() + 999_999) / 1_000_000)));
		Map<String, Object> calls = new LinkedHashMap<>();
		calls.put("success", circuit.successCount());
		calls.put("failure", circuit.failureCount());
		calls.put("slow", circuit.slowCount());
		calls.put("not_permitted", circuit.notPermittedCount());
		calls.put("ignored", circuit.ignoredCount());
		described.put("calls", calls);
		return described;
	}

	/**
	 * A rate in percent, or {@code null} while it is not judged ({@code -1}: too few
	 * calls recorded, or the breaker is not closed).
	 */
	private static @Nullable Float judged(float rate) {
		return (rate < 0) ? null : rate;
	}

}
