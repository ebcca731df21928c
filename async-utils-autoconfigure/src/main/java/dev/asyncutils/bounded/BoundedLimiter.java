package dev.asyncutils.bounded;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.backend.RemoteInstance;
import dev.asyncutils.core.DurationRecorder;

/**
 * At most {@code maxConcurrent} holders of a slot at once, with a first-come first-served
 * line of waiters.
 *
 * <p>
 * Taking a free slot while nobody waits is one compare-and-set. Waiters (blocked threads,
 * or asynchronous callers holding no thread) queue in an intrusive linked list under a
 * lock, so that giving up is O(1) whatever the length of the line. A waiter first
 * announces itself in {@code waiting}, then looks for a free slot; a releaser first frees
 * its slot, then looks for announced waiters: one of the two always sees the other, so a
 * freed slot never sits idle while someone waits.
 *
 * <p>
 * Invariants: {@code 0 <= available <= maxConcurrent}; a slot is handed to at most one
 * waiter; a waiter ends either granted or cancelled, never both.
 *
 * <p>
 * This is also the programmatic twin of {@code @Bounded}: obtain the instance of a name
 * from {@link BoundedRegistry}, call {@link #acquire()} and {@link #release()} around any
 * code (in {@code try/finally}).
 *
 * <p>
 * An instance with {@code backend: redis} keeps its slots in Redis, shared by every JVM
 * that uses its name: {@link #acquire()}, {@link #tryAcquire()}, {@link #release()},
 * {@link #active()}, {@link #availableSlots()} and the counters then speak for those
 * shared slots ({@code active} as of the last answer from Redis), and {@link #waiting()}
 * counts the waiters of this JVM.
 */
public final class BoundedLimiter {

	/** Why a call is rejected when no slot is free and it may not wait. */
	static final String NO_WAIT = "no free slot and max-wait is 0";

	/** Why a call is rejected when the line is full. */
	static final String QUEUE_FULL = "max-queued callers already wait";

	/** Why a waiting call is rejected once its max-wait passed. */
	static final String WAITED_TOO_LONG = "no slot within max-wait";

	private final BoundedSettings settings;

	private final long maxWaitNanos;

	private final int maxQueued;

	private final AtomicInteger available;

	/** Waiters announced or queued; the fast path only runs while it is zero. */
	private final AtomicInteger waiting = new AtomicInteger();

	private final ReentrantLock lock = new ReentrantLock();

	private @Nullable Waiter head;

	private @Nullable Waiter tail;

	private volatile int queued;

	private final LongAdder permitted = new LongAdder();

	private final LongAdder rejected = new LongAdder();

	private final LongAdder waitNanos = new LongAdder();

	private final LongAdder waited = new LongAdder();

	private final DurationRecorder waitTimer = new DurationRecorder();

	private final @Nullable RemoteSlots remote;

	/**
	 * Create a limiter with every slot free.
	 * @param settings the validated settings
	 */
	public BoundedLimiter(BoundedSettings settings) {
		this(settings, null);
	}

	/**
	 * Create a limiter with every slot free, backed by remote slots if given.
	 * @param settings the validated settings
	 * @param remote the slots in a remote store, {@code null} for a local instance
	 */
	public BoundedLimiter(BoundedSettings settings, @Nullable RemoteBounded remote) {
		this.settings = settings;
		this.maxWaitNanos = (settings.maxWait() != null) ? settings.maxWait().toNanos() : Long.MAX_VALUE;
		this.maxQueued = (settings.maxQueued() != null) ? settings.maxQueued() : Integer.MAX_VALUE;
		this.available = new AtomicInteger(settings.maxConcurrent());
		this.remote = (remote != null) ? new RemoteSlots(this, remote) : null;
	}

	/**
	 * Return the remote slots behind this instance.
	 * @return the remote state, {@code null} for a local instance
	 */
	public @Nullable RemoteInstance remote() {
		return (this.remote != null) ? this.remote.remote() : null;
	}

	/**
	 * Return the calls of a remote instance, for the invokers.
	 * @return the remote calls, {@code null} for a local instance
	 */
	@Nullable RemoteSlots remoteSlots() {
		return this.remote;
	}

	void countPermitted(long waitNanos) {
		this.permitted.increment();
		if (waitNanos > 0) {
			this.waited.increment();
			this.waitNanos.add(waitNanos);
			this.waitTimer.record(waitNanos);
		}
	}

	/**
	 * Return where the waits of the calls that had to wait for a slot are recorded.
	 * @return the wait recorder
	 */
	public DurationRecorder waitRecorder() {
		return this.waitTimer;
	}

	/**
	 * Return the settings of this limiter.
	 * @return the settings
	 */
	public BoundedSettings settings() {
		return this.settings;
	}

	/**
	 * Return the most invocations in flight at once.
	 * @return the limit
	 */
	public int limit() {
		return this.settings.maxConcurrent();
	}

	/**
	 * Return the number of slots held right now.
	 * @return the active holders
	 */
	public int active() {
		if (this.remote != null) {
			return this.remote.remote().active();
		}
		return this.settings.maxConcurrent() - this.available.get();
	}

	/**
	 * Return the number of free slots.
	 * @return the free slots
	 */
	public int availableSlots() {
		if (this.remote != null) {
			return Math.max(0, this.settings.maxConcurrent() - this.remote.remote().active());
		}
		return this.available.get();
	}

	/**
	 * Return the number of callers waiting in line.
	 * @return the waiting callers
	 */
	public int waiting() {
		if (this.remote != null) {
			return this.remote.waiting();
		}
		return this.queued;
	}

	/**
	 * Return how many calls got a slot.
	 * @return the permitted calls
	 */
	public long permittedCount() {
		return this.permitted.sum();
	}

	/**
	 * Return how many calls were rejected.
	 * @return the rejected calls
	 */
	public long rejectedCount() {
		return this.rejected.sum();
	}

	/**
	 * Return how many permitted calls waited in line for their slot.
	 * @return the calls that waited
	 */
	public long waitedCount() {
		return this.waited.sum();
	}

	/**
	 * Return the total time permitted callers waited in line.
	 * @return the total wait in nanoseconds
	 */
	public long totalWaitNanos() {
		return this.waitNanos.sum();
	}

	/**
	 * Return the longest a caller may wait, in nanoseconds ({@link Long#MAX_VALUE} if
	 * unbounded).
	 * @return the maximum wait
	 */
	long maxWaitNanos() {
		return this.maxWaitNanos;
	}

	/**
	 * Take a free slot if there is one and nobody waits for it.
	 * @return {@code true} if a slot was taken; the caller must {@link #release()} it
	 */
	public boolean tryAcquire() {
		if (this.remote != null) {
			return this.remote.tryAcquireForCaller();
		}
		return tryAcquireLocal();
	}

	/**
	 * Take a free slot of this JVM's limiter if there is one and nobody waits for it.
	 * @return {@code true} if a slot was taken
	 */
	boolean tryAcquireLocal() {
		if (this.waiting.get() != 0 || !takeFreeSlot()) {
			return false;
		}
		this.permitted.increment();
		return true;
	}

	/**
	 * Take a slot, waiting in line up to {@code maxWait}.
	 * @throws BoundedRejectedException if the line is full, the wait exceeded
	 * {@code maxWait}, or the thread was interrupted while waiting (the interrupt flag is
	 * then set)
	 */
	public void acquire() {
		if (this.remote != null) {
			this.remote.acquireForCaller();
			return;
		}
		if (tryAcquire()) {
			return;
		}
		if (this.maxWaitNanos == 0) {
			throw rejected(NO_WAIT);
		}
		ThreadWaiter waiter = new ThreadWaiter(Thread.currentThread());
		int outcome = enqueue(waiter);
		if (outcome == TAKEN) {
			return;
		}
		if (outcome == FULL) {
			throw rejected(QUEUE_FULL);
		}
		long deadline = (this.maxWaitNanos == Long.MAX_VALUE) ? 0 : System.nanoTime() + this.maxWaitNanos;
		while (!waiter.isGranted()) {
			if (deadline == 0) {
				LockSupport.park(this);
			}
			else {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					if (abandon(waiter)) {
						throw rejected(WAITED_TOO_LONG);
					}
					return;
				}
				LockSupport.parkNanos(this, left);
			}
			if (Thread.interrupted()) {
				if (!abandon(waiter)) {
					release();
				}
				Thread.currentThread().interrupt();
				throw rejected("interrupted while waiting for a slot");
			}
		}
	}

	/**
	 * Give a slot back; hands it to the first waiter, if any.
	 */
	public void release() {
		if (this.remote != null) {
			this.remote.releaseForCaller();
			return;
		}
		releaseLocal();
	}

	/**
	 * Give a slot of this JVM's limiter back.
	 */
	void releaseLocal() {
		int now = this.available.incrementAndGet();
		if (now > this.settings.maxConcurrent()) {
			this.available.decrementAndGet();
			throw new IllegalStateException("Bounded '" + this.settings.name() + "' released more slots than taken");
		}
		if (this.waiting.get() != 0) {
			grantWaiters();
		}
	}

	/**
	 * Create the exception for a rejected call.
	 * @param reason why the call is rejected
	 * @return the exception
	 */
	public BoundedRejectedException rejected(String reason) {
		this.rejected.increment();
		return new BoundedRejectedException(this.settings.name(), this.settings.maxConcurrent(), reason);
	}

	static final int TAKEN = 0;

	static final int QUEUED = 1;

	static final int FULL = 2;

	/**
	 * Join the line, unless a slot is free and nobody is ahead (then take it) or the line
	 * is full.
	 * @param waiter the new waiter
	 * @return {@link #TAKEN} (a slot was taken, the waiter is not queued),
	 * {@link #QUEUED}, or {@link #FULL}
	 */
	int enqueue(Waiter waiter) {
		this.waiting.incrementAndGet();
		this.lock.lock();
		try {
			if (this.head == null && takeFreeSlot()) {
				this.waiting.decrementAndGet();
				this.permitted.increment();
				return TAKEN;
			}
			if (this.queued >= this.maxQueued) {
				this.waiting.decrementAndGet();
				return FULL;
			}
			waiter.enqueuedAt = System.nanoTime();
			waiter.prev = this.tail;
			if (this.tail == null) {
				this.head = waiter;
			}
			else {
				this.tail.next = waiter;
			}
			this.tail = waiter;
			waiter.linked = true;
			this.queued++;
		}
		finally {
			this.lock.unlock();
		}
		// a slot may have been freed between the announcement and the queueing
		if (this.available.get() > 0) {
			grantWaiters();
		}
		return QUEUED;
	}

	/**
	 * Leave the line without a slot.
	 * @param waiter the waiter giving up
	 * @return {@code true} if it left without a slot; {@code false} if it had already
	 * been granted one, which it now holds and must release
	 */
	boolean abandon(Waiter waiter) {
		if (!waiter.cancel()) {
			return false;
		}
		this.lock.lock();
		try {
			if (waiter.linked) {
				unlink(waiter);
				this.waiting.decrementAndGet();
			}
		}
		finally {
			this.lock.unlock();
		}
		return true;
	}

	private void grantWaiters() {
		while (true) {
			Waiter first;
			this.lock.lock();
			try {
				first = this.head;
				if (first == null || !takeFreeSlot()) {
					return;
				}
				unlink(first);
				this.waiting.decrementAndGet();
			}
			finally {
				this.lock.unlock();
			}
			if (first.grant()) {
				this.permitted.increment();
				long waitNanos = System.nanoTime() - first.enqueuedAt;
				this.waited.increment();
				this.waitNanos.add(waitNanos);
				this.waitTimer.record(waitNanos);
				first.granted();
			}
			else {
				// it gave up between cancelling and unlinking itself: the slot is free
				// again
				this.available.incrementAndGet();
			}
		}
	}

	private boolean takeFreeSlot() {
		while (true) {
			int free = this.available.get();
			if (free <= 0) {
				return false;
			}
			if (this.available.compareAndSet(free, free - 1)) {
				return true;
			}
		}
	}

	private void unlink(Waiter waiter) {
		Waiter prev = waiter.prev;
		Waiter next = waiter.next;
		if (prev == null) {
			this.head = next;
		}
		else {
			prev.next = next;
		}
		if (next == null) {
			this.tail = prev;
		}
		else {
			next.prev = prev;
		}
		waiter.prev = null;
		waiter.next = null;
		waiter.linked = false;
		this.queued--;
	}

	@Override
	public String toString() {
		return "BoundedLimiter '" + this.settings.name() + "' (" + active() + "/" + limit() + " active, " + waiting()
				+ " waiting, max-wait " + ((this.maxWaitNanos == Long.MAX_VALUE) ? "unbounded"
						: TimeUnit.NANOSECONDS.toMillis(this.maxWaitNanos) + "ms")
				+ ")";
	}

	/**
	 * A caller in line: a node of the intrusive queue and a small state machine. Moves
	 * once, from waiting to granted or to cancelled; a granted waiter holds a slot until
	 * it is released.
	 */
	abstract static class Waiter extends AtomicInteger {

		private static final long serialVersionUID = 1L;

		static final int WAITING = 0;

		static final int GRANTED = 1;

		static final int CANCELLED = 2;

		static final int STARTED = 3;

		static final int RELEASED = 4;

		transient @Nullable Waiter prev;

		transient @Nullable Waiter next;

		transient boolean linked;

		transient long enqueuedAt;

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
		 * Mark the granted slot as in use by the call it was granted for.
		 * @return {@code true} if the slot was granted and not given back yet
		 */
		boolean start() {
			return compareAndSet(GRANTED, STARTED);
		}

		/**
		 * Give back a granted slot that its call never started to use.
		 * @param limiter the limiter that granted it
		 */
		void releaseUnstarted(BoundedLimiter limiter) {
			if (compareAndSet(GRANTED, RELEASED)) {
				limiter.release();
			}
		}

		/**
		 * Give back the slot this waiter was granted, started or not: once, however often
		 * it is called.
		 * @param limiter the limiter that granted it
		 */
		void releaseGranted(BoundedLimiter limiter) {
			while (true) {
				int state = get();
				if (state != GRANTED && state != STARTED) {
					return;
				}
				if (compareAndSet(state, RELEASED)) {
					limiter.release();
					return;
				}
			}
		}

		/**
		 * Called once, outside the lock, after this waiter was granted a slot.
		 */
		abstract void granted();

	}

	private static final class ThreadWaiter extends Waiter {

		private static final long serialVersionUID = 1L;

		private final transient Thread thread;

		ThreadWaiter(Thread thread) {
			this.thread = thread;
		}

		@Override
		void granted() {
			LockSupport.unpark(this.thread);
		}

	}

}
