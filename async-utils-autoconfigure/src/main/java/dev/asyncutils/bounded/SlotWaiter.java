package dev.asyncutils.bounded;

import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.admission.Permit;

/**
 * A caller in line: a node of the intrusive queue and a small state machine. Moves once,
 * from waiting to granted or to cancelled; a granted waiter is the permit of its slot
 * until released.
 */
abstract class SlotWaiter extends AtomicInteger implements Permit {

	private static final long serialVersionUID = 1L;

	static final int WAITING = 0;

	static final int GRANTED = 1;

	static final int CANCELLED = 2;

	static final int RELEASED = 3;

	final transient LocalSlots slots;

	transient @Nullable SlotWaiter prev;

	transient @Nullable SlotWaiter next;

	transient boolean linked;

	transient long enqueuedAt;

	SlotWaiter(LocalSlots slots) {
		this.slots = slots;
	}

	boolean grant() {
		return compareAndSet(WAITING, GRANTED);
	}

	boolean cancel() {
		return compareAndSet(WAITING, CANCELLED);
	}

	boolean isGranted() {
		return get() == GRANTED;
	}

	/**
	 * Give back the slot this waiter was granted: once, however often it is called.
	 */
	@Override
	public void release() {
		if (compareAndSet(GRANTED, RELEASED)) {
			this.slots.releaseOne();
		}
	}

	/**
	 * Called once, outside the lock, after this waiter was granted a slot.
	 */
	abstract void granted();

	/**
	 * Called once after the shutdown took this waiter out of the line.
	 */
	abstract void shutDown();

}
