package dev.asyncutils.backend;

import dev.asyncutils.bounded.BoundedSettings;

/**
 * A store that keeps the slots of bounded instances outside this JVM, shared by every JVM
 * that uses the same instance name: the SPI a backend module (such as
 * {@code async-utils-redis}) implements as a bean. Used for instances whose
 * {@code backend} property names it.
 */
public interface BoundedBackend {

	/**
	 * Create the remote slots of one instance; called once per instance, at startup.
	 * @param settings the instance's validated settings
	 * @return its remote slots
	 */
	RemoteBounded bounded(BoundedSettings settings);

}
