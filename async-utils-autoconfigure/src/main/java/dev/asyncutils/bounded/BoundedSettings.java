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
 */
public record BoundedSettings(String name, int maxConcurrent, @Nullable Duration maxWait, @Nullable Integer maxQueued,
		BackendSettings backend) {

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
