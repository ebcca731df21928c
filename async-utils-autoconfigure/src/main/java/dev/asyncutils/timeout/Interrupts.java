package dev.asyncutils.timeout;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The interrupts our deadlines delivered and their callers have not acknowledged yet, per
 * thread. Plain {@code @Timeout} calls may nest on one thread, and a thread has a single
 * interrupt flag: when an inner call clears our interrupt after its deadline, an
 * enclosing call's interrupt that arrived meanwhile must stay set, or the enclosing
 * method would run on past its own deadline. Only touched when a deadline passes, never
 * by a call that finishes in time.
 */
final class Interrupts {

	private static final Map<Thread, Integer> pending = new ConcurrentHashMap<>();

	private Interrupts() {
	}

	/**
	 * Interrupt a thread for a deadline that passed (on the timer thread).
	 * @param thread the caller's thread
	 * @return whether the thread was already interrupted by someone else (not by one of
	 * our deadlines whose caller has not acknowledged it yet)
	 */
	static boolean deliver(Thread thread) {
		boolean foreign = thread.isInterrupted() && !pending.containsKey(thread);
		// count first, then interrupt: an acknowledging caller that clears the flag
		// after our interrupt() sees our count and sets the flag again
		pending.merge(thread, 1, Integer::sum);
		thread.interrupt();
		return foreign;
	}

	/**
	 * Clear our interrupt once the caller is done (on the caller's thread), unless
	 * another interrupt must survive it: one already pending before ours, or one
	 * delivered by another of our deadlines on this thread that its caller has not
	 * acknowledged yet.
	 * @param thread the current thread
	 * @param foreign whether the thread was interrupted before our deadline passed
	 */
	static void acknowledge(Thread thread, boolean foreign) {
		Thread.interrupted();
		Integer others = pending.computeIfPresent(thread, (key, count) -> (count == 1) ? null : count - 1);
		if (foreign || others != null) {
			thread.interrupt();
		}
	}

}
