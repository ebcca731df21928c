package dev.asyncutils.throttle;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.NestedConfigurationProperty;

import dev.asyncutils.backend.Backend;
import dev.asyncutils.backend.BackendSpec;
import dev.asyncutils.backend.RedisSpec;

/**
 * Properties under {@code async-utils.throttle}: defaults for every {@code @Throttle},
 * and per-instance settings that override the annotation. An instance configured here
 * exists even if no method names it, for use through {@link ThrottleRegistry}.
 */
public class ThrottleProperties {

	/**
	 * Defaults for every @Throttle attribute left unset.
	 */
	private final Spec defaults = new Spec();

	/**
	 * Settings per instance name, with the same keys as defaults; they override the
	 * annotation's attributes.
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
	 * The settings of one throttle instance; {@code null} means unset.
	 */
	public static class Spec extends LimitSpec implements BackendSpec {

		/**
		 * Longest a caller may wait for a permit; 0 rejects at once. Built-in default:
		 * unbounded.
		 */
		private @Nullable Duration maxWait;

		/**
		 * Where the bucket lives: 'local' (this JVM) or 'redis' (shared by every JVM
		 * using the same name; needs the async-utils-redis module). Built-in default:
		 * local.
		 */
		private @Nullable Backend backend;

		/**
		 * Most keys (distinct values of @Throttle(key)) whose buckets are held at once; a
		 * call with a new key beyond it is rejected. A key's bucket is forgotten about a
		 * second after it is full again. Built-in default: 10000.
		 */
		private @Nullable Integer maxKeys;

		/**
		 * Further limits that apply in addition to rate/per/burst (for example 1000 a day
		 * besides 10 a second), per key too: a call starts only when every limit allows
		 * it, and takes its permits from all of them at once. Built-in default: none.
		 */
		private @Nullable List<LimitSpec> limits;

		/**
		 * Settings of the redis backend.
		 */
		@NestedConfigurationProperty
		private final RedisSpec redis = new RedisSpec();

		/**
		 * Return the longest wait for a permit.
		 * @return the maximum wait, {@code null} if unset
		 */
		public @Nullable Duration getMaxWait() {
			return this.maxWait;
		}

		/**
		 * Set the longest wait for a permit.
		 * @param maxWait the maximum wait
		 */
		public void setMaxWait(@Nullable Duration maxWait) {
			this.maxWait = maxWait;
		}

		/**
		 * Return where the bucket lives.
		 * @return the backend, {@code null} if unset
		 */
		@Override
		public @Nullable Backend getBackend() {
			return this.backend;
		}

		/**
		 * Set where the bucket lives.
		 * @param backend the backend
		 */
		public void setBackend(@Nullable Backend backend) {
			this.backend = backend;
		}

		/**
		 * Return the most keys held at once.
		 * @return max-keys, {@code null} if unset
		 */
		public @Nullable Integer getMaxKeys() {
			return this.maxKeys;
		}

		/**
		 * Set the most keys held at once.
		 * @param maxKeys max-keys
		 */
		public void setMaxKeys(@Nullable Integer maxKeys) {
			this.maxKeys = maxKeys;
		}

		/**
		 * Return the further limits.
		 * @return the limits, {@code null} if unset
		 */
		public @Nullable List<LimitSpec> getLimits() {
			return this.limits;
		}

		/**
		 * Set the further limits.
		 * @param limits the limits
		 */
		public void setLimits(@Nullable List<LimitSpec> limits) {
			this.limits = limits;
		}

		/**
		 * Return the settings of the redis backend.
		 * @return the redis group
		 */
		@Override
		public RedisSpec getRedis() {
			return this.redis;
		}

	}

	/**
	 * One limit: a rate per period and a burst. The instance's own limit (in a
	 * {@link Spec}) or one of its further limits.
	 */
	public static class LimitSpec {

		/**
		 * Permits per 'per' period (greater than 0, fractions allowed). No built-in
		 * default: must come from the annotation or from here.
		 */
		private @Nullable Double rate;

		/**
		 * The period the rate refers to. Built-in default: 1s.
		 */
		private @Nullable Duration per;

		/**
		 * Bucket capacity: permits that may be taken back to back after idle time.
		 * Built-in default: max(1, ceil(rate)).
		 */
		private @Nullable Integer burst;

		/**
		 * Return the rate.
		 * @return the rate, {@code null} if unset
		 */
		public @Nullable Double getRate() {
			return this.rate;
		}

		/**
		 * Set the rate.
		 * @param rate permits per period
		 */
		public void setRate(@Nullable Double rate) {
			this.rate = rate;
		}

		/**
		 * Return the period.
		 * @return the period, {@code null} if unset
		 */
		public @Nullable Duration getPer() {
			return this.per;
		}

		/**
		 * Set the period.
		 * @param per the period
		 */
		public void setPer(@Nullable Duration per) {
			this.per = per;
		}

		/**
		 * Return the capacity.
		 * @return the capacity, {@code null} if unset
		 */
		public @Nullable Integer getBurst() {
			return this.burst;
		}

		/**
		 * Set the capacity.
		 * @param burst the capacity
		 */
		public void setBurst(@Nullable Integer burst) {
			this.burst = burst;
		}

	}

}
