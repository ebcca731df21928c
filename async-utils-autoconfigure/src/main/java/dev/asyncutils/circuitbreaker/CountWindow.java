package dev.asyncutils.circuitbreaker;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The last {@code windowCalls} outcomes, in a ring. A recorder takes the next slot with
 * one atomic increment and swaps its outcome in; the counts change by the difference
 * between the new outcome and the one it replaced. A success that replaces a success, the
 * common case of a healthy downstream, changes nothing and writes nothing else. No lock,
 * no allocation.
 */
final class CountWindow extends Window {

	private final int size;

	private final AtomicInteger cursor = new AtomicInteger();

	private final AtomicIntegerArray ring;

	private final AtomicLong pair = new AtomicLong(ZERO);

	private final AtomicLong slow = new AtomicLong();

	CountWindow(BreakerSettings settings) {
		super(settings);
		this.size = settings.windowCalls();
		this.ring = new AtomicIntegerArray(this.size);
	}

	@Override
	boolean record(int outcome, long now) {
		int index = (this.cursor.getAndIncrement() & Integer.MAX_VALUE) % this.size;
		if (outcome == SUCCESS && this.ring.get(index) == SUCCESS) {
			return false;
		}
		int replaced = this.ring.getAndSet(index, outcome);
		if (replaced == outcome) {
			return false;
		}
		long pairDelta = pair(outcome) - pair(replaced);
		long pair = (pairDelta != 0) ? this.pair.addAndGet(pairDelta) : this.pair.get();
		int slowDelta = slow(outcome) - slow(replaced);
		long slow = (slowDelta != 0) ? this.slow.addAndGet(slowDelta) : this.slow.get();
		if (replaced != EMPTY && outcome == SUCCESS) {
			// one more success in place of a failure or a slow call: rates only fall
			return false;
		}
		return reached(pair, slow);
	}

	@Override
	Counts counts(long now) {
		return counts(this.pair.get(), this.slow.get());
	}

}
