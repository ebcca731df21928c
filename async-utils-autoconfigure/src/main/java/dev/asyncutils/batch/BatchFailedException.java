package dev.asyncutils.batch;

/**
 * Thrown by {@link BatchResult#values()} when at least one item failed; carries the whole
 * result.
 */
public class BatchFailedException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	private final transient BatchResult<?, ?> result;

	/**
	 * Create a new exception.
	 * @param result the result with failed items
	 */
	public BatchFailedException(BatchResult<?, ?> result) {
		super(result.failed() + " of " + result.outcomes().size() + " items failed; first failure: "
				+ result.failures().get(0).error());
		this.result = result;
		result.failures().stream().limit(10).forEach((failure) -> {
			Throwable error = failure.error();
			if (error != null && error != this) {
				addSuppressed(error);
			}
		});
	}

	/**
	 * Return the result of the run.
	 * @return the result
	 */
	public BatchResult<?, ?> result() {
		return this.result;
	}

}
