package dev.asyncutils.samples;

import java.io.IOException;

/**
 * The downstream's "429 Too Many Requests": the caller went over the endpoint's rate
 * limit.
 */
public class TooManyRequestsException extends IOException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create the exception.
	 * @param endpoint the endpoint that was called too often
	 * @param limits the limit it enforces
	 */
	public TooManyRequestsException(String endpoint, DownstreamProperties limits) {
		super("429 Too Many Requests: more than " + limits.limit() + " calls of " + endpoint + " within "
				+ limits.window().toMillis() + "ms");
	}

}
