package dev.asyncutils.bounded;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.backend.BackendSettings;

/**
 * The effective settings of one bounded instance.
 *
 * @param name the instance name
 * @param maxConcurrent the most invocations in flight at once
 * @param maxWait the longest a caller may wait for a slot, {@code null} for unbounded
 * @param maxQueued the most callers waiting at once, {@code null} for unbounded
 * @param backend where the slots live
 * @param maxKeys the most keys held at once by a keyed instance
 */
public record BoundedSettings(String name, int maxConcurrent, @Nullable Duration maxWait, @Nullable Integer maxQueued,
		BackendSettings backend, int maxKeys) {

	/** The built-in default of {@code max-keys}. */
	public static final int DEFAULT_MAX_KEYS = 10_000;

	/**
	 * Create the settings of an instance with the default {@code max-keys}.
	 * @param name the instance name
	 * @param maxConcurrent the most invocations in flight at once
	 * @param maxWait the longest a caller may wait for a slot, {@code null} for unbounded
	 * @param maxQueued the most callers waiting at once, {@code null} for unbounded
	 * @param backend where the slots live
	 */
	public BoundedSettings(String name, int maxConcurrent, @Nullable Duration maxWait, @Nullable Integer maxQueued,
			BackendSettings backend) {
		this(name, maxConcurrent, maxWait, maxQueued, backend, DEFAULT_MAX_KEYS);
	}

	/**
	 * Create the settings of a local instance.
	 * @param name the instance name
	 * @param maxConcurrent the most invocations in flight at once
	 * @param maxWait the longest a caller may wait for a slot, {@code null} for unbounded
	 * @param maxQueued the most callers waiting at once, {@code null} for unbounded
	 */
	public BoundedSettings(String name, int maxConcurrent, @Nullable Duration maxWait, @Nullable Integer maxQueued) {
		this(name, maxConcurrent, maxWait, maxQueued, BackendSettings.LOCAL);
	}

}
