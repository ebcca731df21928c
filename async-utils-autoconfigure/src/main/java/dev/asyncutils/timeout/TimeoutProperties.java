package dev.asyncutils.timeout;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Properties under {@code async-utils.timeout}: the default deadline, and per-instance
 * deadlines that override the annotation.
 */
public class TimeoutProperties {

	/**
	 * Defaults for every {@code @Timeout} whose value is unset.
	 */
	private final Spec defaults = new Spec();

	/**
	 * Settings per instance name, with the same keys as defaults; they override the
	 * annotation.
	 */
	private final Map<String, Spec> instances = new LinkedHashMap<>();

	/**
	 * Return the defaults.
	 * @return the defaults
	 */
	public Spec getDefaults() {
		return this.defaults;
	}

	/**
	 * Return the per-instance settings.
	 * @return the settings by instance name
	 */
	public Map<String, Spec> getInstances() {
		return this.instances;
	}

	/**
	 * The settings of one timeout instance; {@code null} means unset.
	 */
	public static class Spec {

		/**
		 * Deadline for one invocation (per attempt with @Retry). Built-in default: 1s.
		 */
		private @Nullable Duration duration;

		/**
		 * Return the deadline.
		 * @return the deadline, {@code null} if unset
		 */
		public @Nullable Duration getDuration() {
			return this.duration;
		}

		/**
		 * Set the deadline.
		 * @param duration the deadline
		 */
		public void setDuration(@Nullable Duration duration) {
			this.duration = duration;
		}

	}

}
