package dev.asyncutils.backend;

import java.util.Map;

/**
 * The part every test double of an unavailable remote store shares: never healthy, no
 * state to describe, and the share the test sets.
 */
public abstract class UnavailableRemote implements RemoteInstance {

	/** The share the store reports; unknown until the test sets one. */
	public volatile FallbackShare share = FallbackShare.UNKNOWN;

	@Override
	public FallbackShare share() {
		return this.share;
	}

	@Override
	public boolean healthy() {
		return false;
	}

	@Override
	public long failureCount() {
		return 0;
	}

	@Override
	public Map<String, Object> describe() {
		return Map.of();
	}

}
