package dev.asyncutils.backend;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The {@code redis} group of a throttle or bounded instance's properties: used when its
 * {@code backend} is {@code redis}. {@code null} means unset.
 */
public class RedisSpec {

	/**
	 * Prefix of the Redis keys; the instance's state lives under
	 * '<prefix>throttle:<name>' or '<prefix>bounded:<name>'. Built-in default:
	 * 'async-utils:'.
	 */
	private @Nullable String keyPrefix;

	/**
	 * What a call does while Redis is unavailable: 'fail-closed' (reject), 'fail-open'
	 * (let it through unlimited) or 'local' (apply the same settings to this JVM alone).
	 * Built-in default: local.
	 */
	private @Nullable OnFailure onFailure;

	/**
	 * Longest wait for one Redis command before Redis counts as unavailable; never longer
	 * than the caller's max-wait (when that is above 0). Built-in default: 250ms.
	 */
	private @Nullable Duration timeout;

	/**
	 * Return the key prefix.
	 * @return the prefix, {@code null} if unset
	 */
	public @Nullable String getKeyPrefix() {
		return this.keyPrefix;
	}

	/**
	 * Set the key prefix.
	 * @param keyPrefix the prefix
	 */
	public void setKeyPrefix(@Nullable String keyPrefix) {
		this.keyPrefix = keyPrefix;
	}

	/**
	 * Return the failure mode.
	 * @return the mode, {@code null} if unset
	 */
	public @Nullable OnFailure getOnFailure() {
		return this.onFailure;
	}

	/**
	 * Set the failure mode.
	 * @param onFailure the mode
	 */
	public void setOnFailure(@Nullable OnFailure onFailure) {
		this.onFailure = onFailure;
	}

	/**
	 * Return the command timeout.
	 * @return the timeout, {@code null} if unset
	 */
	public @Nullable Duration getTimeout() {
		return this.timeout;
	}

	/**
	 * Set the command timeout.
	 * @param timeout the timeout
	 */
	public void setTimeout(@Nullable Duration timeout) {
		this.timeout = timeout;
	}

}
