package dev.asyncutils.backend;

/**
 * What a call does while its instance's remote backend is unavailable (down, slow past
 * its command timeout, or not connected yet).
 */
public enum OnFailure {

	/**
	 * Reject the call: {@code ThrottleRejectedException} or
	 * {@code BoundedRejectedException}.
	 */
	FAIL_CLOSED("fail-closed"),

	/** Let the call through unlimited. */
	FAIL_OPEN("fail-open"),

	/**
	 * Apply the same settings to this JVM alone, on a local bucket or limit: the default.
	 */
	LOCAL("local");

	private final String value;

	OnFailure(String value) {
		this.value = value;
	}

	/**
	 * Return the value as written in properties.
	 * @return {@code fail-closed}, {@code fail-open} or {@code local}
	 */
	@Override
	public String toString() {
		return this.value;
	}

}
