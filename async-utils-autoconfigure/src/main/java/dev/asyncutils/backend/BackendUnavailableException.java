package dev.asyncutils.backend;

/**
 * A remote backend could not answer: not connected, down, or slower than its command
 * timeout. Never reaches the caller of a guarded method: the instance's {@link OnFailure}
 * mode decides what the call does instead.
 */
public class BackendUnavailableException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new exception.
	 * @param message what failed
	 * @param cause the underlying failure, if any
	 */
	public BackendUnavailableException(String message, Throwable cause) {
		super(message, cause, false, false);
	}

	/**
	 * Create a new exception without a cause.
	 * @param message what failed
	 */
	public BackendUnavailableException(String message) {
		super(message, null, false, false);
	}

}
