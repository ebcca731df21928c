package dev.asyncutils.backend;

import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * The {@code maxConcurrent} slots of a bounded instance, held in a remote store under
 * leases: a slot taken by this JVM stays held while the implementation renews its lease,
 * and comes back by itself once its lease runs out (the holder's process died). Waiting,
 * counting and the failure modes are done by the caller; implementations never block the
 * calling thread and always complete within the command timeout they are given.
 *
 * <p>
 * A keyed instance has one set of slots per key value besides its own (the slots of a
 * {@code null} key): {@link #forKey(String)}.
 */
public interface RemoteBounded extends RemoteInstance {

	/**
	 * Take a free slot if there is one now.
	 * @param timeoutNanos the longest the answer may take
	 * @return completes with the holder id of the slot taken (renewed until
	 * {@link #release(String)}), with {@code null} when every slot is held, or
	 * exceptionally with {@link BackendUnavailableException} when the store did not
	 * answer in time
	 */
	CompletableFuture<@Nullable String> tryAcquire(long timeoutNanos);

	/**
	 * Give a slot back and stop renewing its lease; called once per holder. Never blocks;
	 * when the store cannot be reached the lease runs out instead.
	 * @param holder the holder id {@link #tryAcquire(long)} returned
	 */
	void release(String holder);

	/**
	 * Return how many slots are held across every JVM, as of the last answer.
	 * @return the slots held last seen
	 */
	int active();

	/**
	 * Return the remote slots of one key of this instance: their own state in the store
	 * (gone from the store once no lease is held), this instance's limit, lease time and
	 * health; slots taken through it are renewed like the instance's own. Called once per
	 * key while this JVM holds the key, never per call.
	 * @param key the key value, as a string
	 * @return the key's slots
	 */
	RemoteBounded forKey(String key);

}
