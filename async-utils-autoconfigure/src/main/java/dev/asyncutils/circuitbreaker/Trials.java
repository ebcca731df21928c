package dev.asyncutils.circuitbreaker;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The trial calls of a half-open phase: how many may still be admitted, and how many
 * succeeded. Lock-free.
 */
class Trials {

	/** Trial calls still to admit. */
	private final AtomicInteger left;

	/** Trial calls that succeeded. */
	private final AtomicInteger successes = new AtomicInteger();

	Trials(int trials) {
		this.left = new AtomicInteger(trials);
	}

	boolean takeTrial() {
		for (;;) {
			int left = this.left.get();
			if (left <= 0) {
				return false;
			}
			if (this.left.compareAndSet(left, left - 1)) {
				return true;
			}
		}
	}

	void giveBackTrial() {
		this.left.incrementAndGet();
	}

	int succeeded() {
		return this.successes.incrementAndGet();
	}

}
