package dev.asyncutils.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.CircuitOpenException;
import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.core.ReadableSettings;

/**
 * The RFC 9457 problem response for one of our exceptions: its status, its
 * {@code Retry-After} (whole seconds, rounded up, at least 1) when a time is known, and
 * its {@code application/problem+json} body ({@code type}, {@code title}, {@code status},
 * {@code detail} naming the instance, {@code instance} the request path, {@code name} the
 * instance name). Shared by Spring MVC and WebFlux.
 *
 * @param status the response status
 * @param retryAfterSeconds the {@code Retry-After} value, {@code -1} for none
 * @param name the instance name
 * @param detail the problem's detail
 */
record Problem(HttpStatus status, long retryAfterSeconds, String name, String detail) {

	/** The media type of the body. */
	static final String CONTENT_TYPE = "application/problem+json";

	/**
	 * Return the problem for an exception of ours (unwrapped from
	 * {@link CompletionException} and {@link ExecutionException}), or {@code null} for
	 * any other exception.
	 * @param failure what reached the web layer
	 * @return the problem, or {@code null} if the exception is not ours
	 */
	static @Nullable Problem of(Throwable failure) {
		Throwable ex = failure;
		while ((ex instanceof CompletionException || ex instanceof ExecutionException) && ex.getCause() != null) {
			ex = ex.getCause();
		}
		if (ex instanceof ThrottleRejectedException rejected) {
			long seconds = seconds(rejected.retryAfter());
			return new Problem(HttpStatus.TOO_MANY_REQUESTS, seconds, rejected.name(), "Throttle '" + rejected.name()
					+ "' rejected the call: too many requests; a permit is free in " + seconds + "s");
		}
		if (ex instanceof BoundedRejectedException rejected) {
			return new Problem(HttpStatus.SERVICE_UNAVAILABLE, -1, rejected.name(), "Bounded '" + rejected.name()
					+ "' rejected the call: its " + rejected.limit() + " concurrent calls are taken");
		}
		if (ex instanceof TimeoutExceededException timeout) {
			return new Problem(HttpStatus.GATEWAY_TIMEOUT, -1, timeout.name(), "Timeout '" + timeout.name()
					+ "': the call did not complete within " + ReadableSettings.format(timeout.timeout()));
		}
		if (ex instanceof CircuitOpenException open) {
			// a rejection while half-open has no time: the trial calls decide
			if (open.retryAfter().isZero()) {
				return new Problem(HttpStatus.SERVICE_UNAVAILABLE, -1, open.name(), "Circuit breaker '" + open.name()
						+ "' is half-open and rejected the call: its trial calls are taken");
			}
			long seconds = seconds(open.retryAfter());
			return new Problem(HttpStatus.SERVICE_UNAVAILABLE, seconds, open.name(), "Circuit breaker '" + open.name()
					+ "' is open and rejected the call; it lets trial calls through in " + seconds + "s");
		}
		return null;
	}

	/**
	 * Whole seconds, rounded up, at least 1: {@code Retry-After} takes no fractions, and
	 * 0 would invite an immediate retry that is rejected again.
	 */
	static long seconds(Duration duration) {
		long seconds = duration.getSeconds() + ((duration.getNano() > 0) ? 1 : 0);
		return Math.max(1, seconds);
	}

	/**
	 * Return the {@code Retry-After} header value.
	 * @return the value, or {@code null} when no time is known
	 */
	@Nullable String retryAfter() {
		return (this.retryAfterSeconds > 0) ? Long.toString(this.retryAfterSeconds) : null;
	}

	/**
	 * Return the body.
	 * @param path the request path, the problem's {@code instance}
	 * @return the JSON body, UTF-8
	 */
	byte[] body(String path) {
		StringBuilder json = new StringBuilder(256);
		json.append("{\"type\":\"about:blank\",\"title\":");
		quote(json, this.status.getReasonPhrase());
		json.append(",\"status\":").append(this.status.value()).append(",\"detail\":");
		quote(json, this.detail);
		json.append(",\"instance\":");
		quote(json, path);
		json.append(",\"name\":");
		quote(json, this.name);
		json.append('}');
		return json.toString().getBytes(StandardCharsets.UTF_8);
	}

	private static void quote(StringBuilder json, String text) {
		json.append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> json.append("\\\"");
				case '\\' -> json.append("\\\\");
				case '\n' -> json.append("\\n");
				case '\r' -> json.append("\\r");
				case '\t' -> json.append("\\t");
				default -> {
					if (c < 0x20) {
						json.append(String.format("\\u%04x", (int) c));
					}
					else {
						json.append(c);
					}
				}
			}
		}
		json.append('"');
	}

}
