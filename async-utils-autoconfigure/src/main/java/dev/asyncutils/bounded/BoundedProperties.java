package dev.asyncutils.bounded;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.NestedConfigurationProperty;

import dev.asyncutils.backend.Backend;
import dev.asyncutils.backend.BackendSpec;
import dev.asyncutils.backend.BoundedRedisSpec;

/**
 * Properties under {@code async-utils.bounded}: defaults for every {@code @Bounded}, and
 * per-instance settings that override the annotation. An instance configured here exists
 * even if no method names it, for use through {@link BoundedRegistry}.
 */
public class BoundedProperties {

	/**
	 * Defaults for every @Bounded attribute left unset.
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
	 * The settings of one bounded instance; {@code null} means unset.
	 */
	public static class Spec implements BackendSpec {

		/**
		 * Most invocations in flight at once (at least 1). No built-in default: must come
		 * from the annotation or from here.
		 */
		private @Nullable Integer maxConcurrent;

		/**
		 * Longest a caller may wait for a slot; 0 rejects at once. Built-in default:
		 * unbounded.
		 */
		private @Nullable Duration maxWait;

		/**
		 * Most callers waiting at once; one more is rejected at once. Built-in default:
		 * unbounded.
		 */
		private @Nullable Integer maxQueued;

		/**
		 * Where the slots live: 'local' (this JVM) or 'redis' (shared by every JVM using
		 * the same name; needs the async-utils-redis module). Built-in default: local.
		 */
		private @Nullable Backend backend;

		/**
		 * Most keys (distinct values of @Bounded(key)) whose limits are held at once; a
		 * call with a new key beyond it is rejected. A key's limit is forgotten about a
		 * second after nobody holds or waits for it. Built-in default: 10000.
		 */
		private @Nullable Integer maxKeys;

		/**
		 * Settings of the redis backend.
		 */
		@NestedConfigurationProperty
		private final BoundedRedisSpec redis = new BoundedRedisSpec();

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
		 * Return the limit.
		 * @return the limit, {@code null} if unset
		 */
		public @Nullable Integer getMaxConcurrent() {
			return this.maxConcurrent;
		}

		/**
		 * Set the limit.
		 * @param maxConcurrent the most invocations in flight
		 */
		public void setMaxConcurrent(@Nullable Integer maxConcurrent) {
			this.maxConcurrent = maxConcurrent;
		}

		/**
		 * Return the longest wait for a slot.
		 * @return the maximum wait, {@code null} if unset
		 */
		public @Nullable Duration getMaxWait() {
			return this.maxWait;
		}

		/**
		 * Set the longest wait for a slot.
		 * @param maxWait the maximum wait
		 */
		public void setMaxWait(@Nullable Duration maxWait) {
			this.maxWait = maxWait;
		}

		/**
		 * Return the most callers waiting at once.
		 * @return the queue limit, {@code null} if unset
		 */
		public @Nullable Integer getMaxQueued() {
			return this.maxQueued;
		}

		/**
		 * Set the most callers waiting at once.
		 * @param maxQueued the queue limit
		 */
		public void setMaxQueued(@Nullable Integer maxQueued) {
			this.maxQueued = maxQueued;
		}

		/**
		 * Return where the slots live.
		 * @return the backend, {@code null} if unset
		 */
		@Override
		public @Nullable Backend getBackend() {
			return this.backend;
		}

		/**
		 * Set where the slots live.
		 * @param backend the backend
		 */
		public void setBackend(@Nullable Backend backend) {
			this.backend = backend;
		}

		/**
		 * Return the settings of the redis backend.
		 * @return the redis group
		 */
		@Override
		public BoundedRedisSpec getRedis() {
			return this.redis;
		}

		@Override
		public @Nullable Duration redisLeaseTime() {
			return this.redis.getLeaseTime();
		}

	}

}
