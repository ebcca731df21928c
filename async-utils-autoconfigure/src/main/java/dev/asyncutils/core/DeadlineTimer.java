package dev.asyncutils.core;

import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

/**
 * A timer for deadlines that are almost always met: a call that finishes in time pays one
 * clock read and one compare-and-set to publish its deadline, and nothing to retract it.
 * No lock and no allocation beyond the deadline object itself.
 *
 * <p>
 * Callers push deadlines onto lock-free stacks (a few, picked by thread, each on its own
 * cache line, so callers on different cores rarely touch the same one). One daemon thread
 * drains them, drops the deadlines whose call has already finished, keeps the others in a
 * heap that only it touches, and expires each when it is due, never earlier. While
 * deadlines keep arriving the thread wakes every {@value #LINGER_MILLIS} ms to drain
 * them, and callers do not wake it; after a quiet spell it sleeps until the next deadline
 * it watches is due (or for good), and the next caller wakes it. Deadlines of calls that
 * finished after being drained are swept out whenever the heap has doubled.
 *
 * <p>
 * {@link Deadline#expire()} runs on the timer thread, so it must only flip state and hand
 * any real work (cleanup methods, completing futures) to an executor.
 *
 * <p>
 * Shutdown has two steps. {@link #shutdown} (the context begins to close) offers every
 * deadline {@link Deadline#shutdown(boolean) shutdown(false)}: a call that only waits (an
 * asynchronous call's stage) ends at once, a call running on its caller's thread keeps
 * its deadline. {@link #stop} (the context is destroyed) offers every remaining deadline
 * {@code shutdown(true)} and stops the thread. A deadline scheduled after either step is
 * offered the same at once, so none is left on a stack nobody drains.
 */
public final class DeadlineTimer {

	static final long LINGER_MILLIS = 2;

	private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);

	/** Delays are capped here so that deadline arithmetic never overflows. */
	private static final long MAX_DELAY_NANOS = Long.MAX_VALUE >> 2;

	private static final long FOREVER_NANOS = Long.MAX_VALUE >> 1;

	private static final int STACKS = 8;

	/** Slots between two stacks: 16 references span a 64-byte cache line or more. */
	private static final int SPACING = 16;

	/** Tops of the stacks of deadlines not yet seen by the timer thread. */
	private final AtomicReferenceArray<@Nullable Deadline> incoming = new AtomicReferenceArray<>(
			STACKS * SPACING + SPACING);

	/** Whether the timer thread is parked (or about to), until {@link #sleepUntil}. */
	private volatile boolean sleeping;

	private volatile long sleepUntil;

	private static final int RUNNING = 0;

	private static final int SHUTTING_DOWN = 1;

	private static final int STOPPED = 2;

	/** {@link #RUNNING}, {@link #SHUTTING_DOWN} or {@link #STOPPED}. */
	private volatile int phase;

	/** The phase the timer thread has applied to the deadlines it watches. */
	private int appliedPhase;

	private final Thread thread;

	private final PriorityQueue<Deadline> watched = new PriorityQueue<>(
			(left, right) -> Long.compare(left.dueNanos - right.dueNanos, 0));

	/** Heap size at which finished deadlines are swept out before they come due. */
	private int sweepAt = 1024;

	/**
	 * Create and start a timer on a daemon thread.
	 * @param threadName the name of its thread
	 */
	public DeadlineTimer(String threadName) {
		this.thread = new Thread(this::run, threadName);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * Watch a deadline: {@link Deadline#expire()} runs once {@code delayNanos} have
	 * passed, unless {@link Deadline#isFinished()} is {@code true} by then. A deadline is
	 * scheduled at most once.
	 * @param deadline the deadline
	 * @param delayNanos the time from now until it is due
	 */
	public void schedule(Deadline deadline, long delayNanos) {
		if (this.phase == STOPPED) {
			deadline.shutdown(true);
			return;
		}
		long now = System.nanoTime();
		long due = now + Math.min(Math.max(delayNanos, 0), MAX_DELAY_NANOS);
		deadline.dueNanos = due;
		int slot = SPACING + ((int) Thread.currentThread().getId() & (STACKS - 1)) * SPACING;
		AtomicReferenceArray<@Nullable Deadline> incoming = this.incoming;
		Deadline top;
		do {
			top = incoming.get(slot);
			deadline.next = top;
		}
		while (!incoming.weakCompareAndSetVolatile(slot, top, deadline));
		// Dekker with run(): we published the deadline, then read 'sleeping'; the timer
		// thread publishes 'sleeping', then reads the stacks. One of us sees the other.
		// Wake it if it would sleep past our deadline, or for long: then it should drain
		// the deadlines of calls that are over instead of letting them pile up.
		if (this.sleeping && (due - this.sleepUntil < 0 || this.sleepUntil - now > LINGER_NANOS)) {
			LockSupport.unpark(this.thread);
		}
		// Dekker with shutdown()/stop(): we pushed, then read the phase; they set the
		// phase, then the timer thread drains. Offering it twice is harmless.
		int phase = this.phase;
		if (phase != RUNNING) {
			deadline.shutdown(phase == STOPPED);
		}
	}

	/**
	 * The context begins to close: every deadline is offered
	 * {@link Deadline#shutdown(boolean) shutdown(false)}, on the timer thread, promptly.
	 * @param owner the scheduler, for the record
	 */
	void shutdown(AsyncUtilsScheduler owner) {
		if (this.phase == RUNNING) {
			this.phase = SHUTTING_DOWN;
		}
		LockSupport.unpark(this.thread);
	}

	/**
	 * Stop the timer thread: every deadline it still watches, and every one scheduled
	 * from now on, is offered {@link Deadline#shutdown(boolean) shutdown(true)}.
	 * @param owner the scheduler, for the record
	 * @throws InterruptedException if interrupted while waiting for the thread to end
	 */
	void stop(AsyncUtilsScheduler owner) throws InterruptedException {
		stop();
		this.thread.join(TimeUnit.SECONDS.toMillis(5));
	}

	/**
	 * Stop the timer thread, without waiting for it: every deadline it still watches, and
	 * every one scheduled from now on, is offered {@link Deadline#shutdown(boolean)
	 * shutdown(true)}.
	 */
	public void stop() {
		this.phase = STOPPED;
		LockSupport.unpark(this.thread);
	}

	/**
	 * Return the number of deadlines the timer thread watches, for tests.
	 * @return the number of deadlines in its heap (an estimate, read racily)
	 */
	int watchedCount() {
		return this.watched.size();
	}

	private void run() {
		while (true) {
			long now = System.nanoTime();
			boolean drained = drain(now);
			int phase = this.phase;
			if (phase != this.appliedPhase) {
				applyShutdown(phase == STOPPED);
				this.appliedPhase = phase;
				if (phase == STOPPED) {
					// a deadline pushed during the last drain offers itself
					drain(now);
					return;
				}
			}
			expireDue(now);
			long wake;
			Deadline next = this.watched.peek();
			wake = (next != null) ? next.dueNanos : now + FOREVER_NANOS;
			if (drained && wake - (now + LINGER_NANOS) > 0) {
				wake = now + LINGER_NANOS;
			}
			this.sleepUntil = wake;
			this.sleeping = true;
			if (!hasIncoming() && this.phase == this.appliedPhase) {
				long nanos = wake - System.nanoTime();
				if (nanos > 0) {
					LockSupport.parkNanos(this, nanos);
				}
			}
			this.sleeping = false;
		}
	}

	private void applyShutdown(boolean stopping) {
		for (Deadline deadline : this.watched.toArray(new Deadline[0])) {
			if (!deadline.isFinished()) {
				offer(deadline, stopping);
			}
		}
		this.watched.removeIf(Deadline::isFinished);
		if (stopping) {
			this.watched.clear();
		}
	}

	private static void offer(Deadline deadline, boolean stopping) {
		try {
			deadline.shutdown(stopping);
		}
		catch (Throwable ex) {
			Thread currentThread = Thread.currentThread();
			currentThread.getUncaughtExceptionHandler().uncaughtException(currentThread, ex);
		}
	}

	private boolean hasIncoming() {
		for (int slot = SPACING; slot < (STACKS + 1) * SPACING; slot += SPACING) {
			if (this.incoming.get(slot) != null) {
				return true;
			}
		}
		return false;
	}

	private boolean drain(long now) {
		boolean drained = false;
		for (int slot = SPACING; slot < (STACKS + 1) * SPACING; slot += SPACING) {
			Deadline top = this.incoming.getAndSet(slot, null);
			if (top != null) {
				drained = true;
				watch(top, now);
			}
		}
		if (drained && this.watched.size() >= this.sweepAt) {
			this.watched.removeIf(Deadline::isFinished);
			this.sweepAt = Math.max(1024, this.watched.size() * 2);
		}
		return drained;
	}

	private void watch(Deadline top, long now) {
		for (Deadline deadline = top; deadline != null;) {
			Deadline next = deadline.next;
			deadline.next = null;
			if (!deadline.isFinished()) {
				if (this.appliedPhase != RUNNING) {
					offer(deadline, this.appliedPhase == STOPPED);
				}
				if (deadline.isFinished()) {
					// ended by the shutdown
				}
				else if (deadline.dueNanos - now <= 0) {
					expire(deadline);
				}
				else {
					this.watched.add(deadline);
				}
			}
			deadline = next;
		}
	}

	private void expireDue(long now) {
		Deadline deadline;
		while ((deadline = this.watched.peek()) != null) {
			if (deadline.isFinished()) {
				this.watched.poll();
			}
			else if (deadline.dueNanos - now <= 0) {
				this.watched.poll();
				expire(deadline);
			}
			else {
				return;
			}
		}
	}

	private static void expire(Deadline deadline) {
		try {
			deadline.expire();
		}
		catch (Throwable ex) {
			// a deadline must never stop the timer; expire() implementations do not throw
			Thread currentThread = Thread.currentThread();
			currentThread.getUncaughtExceptionHandler().uncaughtException(currentThread, ex);
		}
	}

	/**
	 * One deadline. Subclasses decide, with their own atomic state, whether the call
	 * finished first or the deadline did.
	 */
	public abstract static class Deadline {

		long dueNanos;

		@Nullable Deadline next;

		/**
		 * Return whether the guarded work is over, so the deadline no longer matters.
		 * Called by the timer thread, possibly several times.
		 * @return {@code true} once the work finished (in time or not)
		 */
		protected abstract boolean isFinished();

		/**
		 * Called on the timer thread, at most once, once the deadline passed and
		 * {@link #isFinished()} was {@code false}. Must be quick and must not throw: hand
		 * slow work to an executor.
		 */
		protected abstract void expire();

		/**
		 * The application is shutting down. With {@code stopping == false} (the context
		 * begins to close) a deadline whose call only waits, such as an asynchronous
		 * call's stage, ends that call at once with
		 * {@link AsyncUtilsScheduler#shuttingDown()}; a call running on its caller's
		 * thread may keep its deadline. With {@code stopping == true} (the timer stops)
		 * every call still watched must end now. May be called several times and from any
		 * thread (the timer thread, or a caller scheduling after shutdown began): must be
		 * idempotent, quick, and must not throw.
		 * @param stopping whether the timer stops
		 */
		protected abstract void shutdown(boolean stopping);

	}

}
