package dev.asyncutils.debounce;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Properties under {@code async-utils.debounce}: defaults for every {@code @Debounce},
 * and per-instance settings that override the annotation.
 */
public class DebounceProperties {

	/**
	 * Defaults for every @Debounce whose attributes are unset.
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
	 * The settings of one debounce instance; {@code null} means unset.
	 */
	public static class Spec {

		/**
		 * Quiet period: the method runs this long after the last call. No built-in
		 * default: it must come from the annotation or from configuration.
		 */
		private @Nullable Duration delay;

		/**
		 * Longest a call may be postponed by a stream of later calls (not less than the
		 * delay). Built-in default: unbounded.
		 */
		private @Nullable Duration maxWait;

		/**
		 * Return the quiet period.
		 * @return the quiet period, {@code null} if unset
		 */
		public @Nullable Duration getDelay() {
			return this.delay;
		}

		/**
		 * Set the quiet period.
		 * @param delay the quiet period
		 */
		public void setDelay(@Nullable Duration delay) {
			this.delay = delay;
		}

		/**
		 * Return the longest postponement.
		 * @return the longest postponement, {@code null} if unset
		 */
		public @Nullable Duration getMaxWait() {
			return this.maxWait;
		}

		/**
		 * Set the longest postponement.
		 * @param maxWait the longest postponement
		 */
		public void setMaxWait(@Nullable Duration maxWait) {
			this.maxWait = maxWait;
		}

	}

}
