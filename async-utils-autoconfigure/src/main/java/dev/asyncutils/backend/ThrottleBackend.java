package dev.asyncutils.backend;

import dev.asyncutils.throttle.ThrottleSettings;

/**
 * A store that keeps throttle buckets outside this JVM, shared by every JVM that uses the
 * same instance name: the SPI a backend module (such as {@code async-utils-redis})
 * implements as a bean. Used for instances whose {@code backend} property names it.
 */
public interface ThrottleBackend {

	/**
	 * Create the remote bucket of one instance; called once per instance, at startup.
	 * @param settings the instance's validated settings
	 * @return its remote bucket
	 */
	RemoteThrottle throttle(ThrottleSettings settings);

}
