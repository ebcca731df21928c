package dev.asyncutils.samples;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The rate limit of the simulated downstream, {@code sample.downstream.*}: per endpoint,
 * at most {@code limit} calls in any sliding {@code window}; the next call is answered
 * with "429 Too Many Requests".
 *
 * @param limit most calls of one endpoint admitted within one window
 * @param window the length of the sliding window
 */
@ConfigurationProperties("sample.downstream")
public record DownstreamProperties(@DefaultValue("700") int limit, @DefaultValue("1s") Duration window) {

	/**
	 * Validate the limit.
	 * @param limit most calls admitted within one window, at least 1
	 * @param window the length of the window, positive
	 */
	public DownstreamProperties {
		if (limit < 1) {
			throw new IllegalArgumentException("sample.downstream.limit must be at least 1, was " + limit);
		}
		if (window.isNegative() || window.isZero()) {
			throw new IllegalArgumentException("sample.downstream.window must be positive, was " + window);
		}
	}

}
