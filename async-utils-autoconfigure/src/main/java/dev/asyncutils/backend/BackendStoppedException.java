package dev.asyncutils.backend;

/**
 * A remote backend was asked after it stopped: the application is shutting down. Unlike
 * other {@link BackendUnavailableException}s, no {@link OnFailure} mode applies: the call
 * ends with {@link java.util.concurrent.RejectedExecutionException}, as every call that
 * would wait at shutdown does.
 */
public class BackendStoppedException extends BackendUnavailableException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create a new exception.
	 * @param message what was stopped
	 */
	public BackendStoppedException(String message) {
		super(message);
	}

}
