package dev.asyncutils.bounded;

import java.util.concurrent.locks.LockSupport;

/**
 * A plain caller in line: a parked thread, woken when granted or when the line ends.
 */
final class ThreadWaiter extends SlotWaiter {

	private static final long serialVersionUID = 1L;

	private final transient Thread thread;

	ThreadWaiter(LocalSlots slots, Thread thread) {
		super(slots);
		this.thread = thread;
	}

	@Override
	void granted() {
		LockSupport.unpark(this.thread);
	}

	@Override
	void shutDown() {
		LockSupport.unpark(this.thread);
	}

}
