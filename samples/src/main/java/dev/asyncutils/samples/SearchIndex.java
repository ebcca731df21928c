package dev.asyncutils.samples;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Component;

import dev.asyncutils.annotation.Debounce;

/**
 * A search index that change events ask to rebuild. A burst of events within the quiet
 * period coalesces into one rebuild, which runs with the last event's reason; every
 * caller's future completes with that rebuild's outcome.
 */
@Component
public class SearchIndex {

	private final AtomicInteger rebuilds = new AtomicInteger();

	private volatile String lastReason = "";

	/**
	 * Rebuild the index, 300 ms after the last request (at most 2 s after the first).
	 * @param reason why the index is stale: the change event
	 * @return the number of this rebuild
	 */
	@Debounce(value = "300ms", maxWait = "2s", name = "reindex")
	public CompletableFuture<Integer> reindex(String reason) {
		this.lastReason = reason;
		return CompletableFuture.completedFuture(this.rebuilds.incrementAndGet());
	}

	/**
	 * Return the rebuilds so far.
	 * @return the count
	 */
	public int rebuilds() {
		return this.rebuilds.get();
	}

	/**
	 * Return the reason the last rebuild ran with.
	 * @return the reason
	 */
	public String lastReason() {
		return this.lastReason;
	}

}
