package dev.asyncutils.backend;

/**
 * Where an instance's state lives.
 */
public enum Backend {

	/** In this JVM only: the default. */
	LOCAL("local"),

	/** In Redis, shared by every JVM that uses the same instance name. */
	REDIS("redis");

	private final String value;

	Backend(String value) {
		this.value = value;
	}

	/**
	 * Return the value as written in properties.
	 * @return {@code local} or {@code redis}
	 */
	@Override
	public String toString() {
		return this.value;
	}

}
