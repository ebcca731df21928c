package dev.asyncutils.batch;

import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * The handshake by which a canceller interrupts the executor thread running a blocking
 * item without the interrupt ever reaching that thread's next task: the canceller moves
 * the state from running to interrupting, interrupts the thread, then moves it on; the
 * worker, finding its own move out of running lost, waits for that last step before
 * clearing its interrupt flag.
 */
final class InterruptHandshake {

	private InterruptHandshake() {
	}

	/**
	 * Canceller's side: interrupt the worker if it is in the function.
	 * @param state the state both sides move
	 * @param running the state of a worker in the function
	 * @param interrupting the state while the interrupt is delivered
	 * @param after the state once it is delivered
	 * @param worker the task, to read its thread after the state change
	 * @return {@code true} if this call interrupted the worker
	 */
	static boolean interrupt(AtomicInteger state, int running, int interrupting, int after, Worker worker) {
		if (!state.compareAndSet(running, interrupting)) {
			return false;
		}
		try {
			Thread thread = worker.thread();
			if (thread != null) {
				thread.interrupt();
			}
		}
		finally {
			state.set(after);
		}
		return true;
	}

	/**
	 * Worker's side, once a canceller won the state: wait until its interrupt was
	 * delivered, then clear it.
	 * @param state the state both sides move
	 * @param interrupting the state while the interrupt is delivered
	 */
	static void clearDelivered(AtomicInteger state, int interrupting) {
		while (state.get() == interrupting) {
			Thread.onSpinWait();
		}
		Thread.interrupted();
	}

	/**
	 * A task whose thread a canceller may interrupt.
	 */
	interface Worker {

		/**
		 * Return the thread in the function, read after the state change.
		 * @return the thread, {@code null} if it already left
		 */
		@Nullable Thread thread();

	}

}
