package dev.asyncutils.bounded;

import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The slots a test holds on a limiter, taken by any thread and given back by any thread:
 * lets a test release a slot on behalf of the caller that took it, in the order they were
 * taken. Every limiter has one, for the test's lifetime.
 */
public final class HeldSlots {

	private static final Map<BoundedLimiter, HeldSlots> HELD = new ConcurrentHashMap<>();

	private final BoundedLimiter limiter;

	private final Deque<Slot> slots = new ConcurrentLinkedDeque<>();

	private HeldSlots(BoundedLimiter limiter) {
		this.limiter = limiter;
	}

	/**
	 * Return the slots held on a limiter.
	 * @param limiter the limiter
	 * @return its held slots
	 */
	public static HeldSlots of(BoundedLimiter limiter) {
		return HELD.computeIfAbsent(limiter, HeldSlots::new);
	}

	/**
	 * Take a slot if one is free now, and hold it.
	 * @return {@code true} if one was taken
	 */
	public boolean tryAcquire() {
		Slot slot = this.limiter.tryAcquire();
		if (slot == null) {
			return false;
		}
		this.slots.add(slot);
		return true;
	}

	/**
	 * Take a slot, waiting as the limiter's settings allow, and hold it.
	 */
	public void acquire() {
		this.slots.add(this.limiter.acquire());
	}

	/**
	 * Give back the slot held longest.
	 * @throws IllegalStateException if no slot is held
	 */
	public void release() {
		Slot slot = this.slots.poll();
		if (slot == null) {
			throw new IllegalStateException("Bounded '" + this.limiter.settings().name() + "' holds no slot");
		}
		slot.close();
	}

}
