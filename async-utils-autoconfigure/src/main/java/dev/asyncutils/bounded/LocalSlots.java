package dev.asyncutils.bounded;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.admission.Permit;

/**
 * The slots of a bounded instance in this JVM: at most {@code maxConcurrent} holders at
 * once, with a first-come first-served line of waiters.
 *
 * <p>
 * Taking a free slot while nobody waits is one compare-and-set, and its permit is one
 * shared object: nothing is allocated. Waiters (blocked threads, or asynchronous callers
 * holding no thread) queue in an intrusive linked list under a lock, so that giving up is
 * O(1) whatever the length of the line. A waiter first announces itself in
 * {@code waiting}, then looks for a free slot; a releaser first frees its slot, then
 * looks for announced waiters: one of the two always sees the other, so a freed slot
 * never sits idle while someone waits.
 *
 * <p>
 * Invariants: {@code 0 <= available <= maxConcurrent}; a slot is handed to at most one
 * waiter; a waiter ends either granted or cancelled, never both; a granted waiter is
 * itself the permit of its slot, released once.
 */
final class LocalSlots implements SlotAdmission {

	private static final int TAKEN = 0;

	private static final int QUEUED = 1;

	private static final int FULL = 2;

	private final BoundedLimiter limiter;

	private final int maxConcurrent;

	private final long maxWaitNanos;

	private final int maxQueued;

	private final AtomicInteger available;

	/** Waiters announced or queued; the fast path only runs while it is zero. */
	private final AtomicInteger waiting = new AtomicInteger();

	private final ReentrantLock lock = new ReentrantLock();

	private @Nullable Waiter head;

	private @Nullable Waiter tail;

	private volatile int queued;

	/** The permit of a slot taken without waiting: one for all of them. */
	private final Permit slot = this::releaseOne;

	private final CompletableFuture<Permit> slotNow = CompletableFuture.completedFuture(this.slot);

	LocalSlots(BoundedLimiter limiter) {
		BoundedSettings settings = limiter.settings();
		this.limiter = limiter;
		this.maxConcurrent = settings.maxConcurrent();
		this.maxWaitNanos = limiter.maxWaitNanos();
		this.maxQueued = (settings.maxQueued() != null) ? settings.maxQueued() : Integer.MAX_VALUE;
		this.available = new AtomicInteger(settings.maxConcurrent());
	}

	@Override
	public @Nullable Permit tryAdmit() {
		if (this.waiting.get() != 0 || !takeFreeSlot()) {
			return null;
		}
		this.limiter.counters().permitted(0);
		return this.slot;
	}

	@Override
	public @Nullable Permit tryAcquire() {
		return tryAdmit();
	}

	@Override
	public Permit admit() {
		Permit free = tryAdmit();
		if (free != null) {
			return free;
		}
		if (this.maxWaitNanos == 0) {
			throw this.limiter.rejected(BoundedLimiter.NO_WAIT);
		}
		ThreadWaiter waiter = new ThreadWaiter(this, Thread.currentThread());
		int outcome = enqueue(waiter);
		if (outcome == TAKEN) {
			return this.slot;
		}
		if (outcome == FULL) {
			throw this.limiter.rejected(BoundedLimiter.QUEUE_FULL);
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
						throw this.limiter.rejected(BoundedLimiter.WAITED_TOO_LONG);
					}
					return waiter;
				}
				LockSupport.parkNanos(this, left);
			}
			if (Thread.interrupted()) {
				if (!abandon(waiter)) {
					waiter.release();
				}
				Thread.currentThread().interrupt();
				throw this.limiter.rejected("interrupted while waiting for a slot");
			}
		}
		return waiter;
	}

	@Override
	public CompletableFuture<Permit> admitLater(ScheduledExecutorService scheduler) {
		if (this.maxWaitNanos == 0) {
			return CompletableFuture.failedFuture(this.limiter.rejected(BoundedLimiter.NO_WAIT));
		}
		FutureWaiter waiter = new FutureWaiter(this);
		int outcome = enqueue(waiter);
		if (outcome == TAKEN) {
			return this.slotNow;
		}
		if (outcome == FULL) {
			return CompletableFuture.failedFuture(this.limiter.rejected(BoundedLimiter.QUEUE_FULL));
		}
		waiter.watch(this.maxWaitNanos, scheduler);
		return waiter.result;
	}

	@Override
	public int active() {
		return this.maxConcurrent - this.available.get();
	}

	int available() {
		return this.available.get();
	}

	@Override
	public int waiting() {
		return this.queued;
	}

	/**
	 * Give a slot back; hand it to the first waiter, if any.
	 */
	void releaseOne() {
		int now = this.available.incrementAndGet();
		if (now > this.maxConcurrent) {
			this.available.decrementAndGet();
			throw new IllegalStateException(
					"Bounded '" + this.limiter.settings().name() + "' released more slots than taken");
		}
		if (this.waiting.get() != 0) {
			grantWaiters();
		}
	}

	/**
	 * Join the line, unless a slot is free and nobody is ahead (then take it) or the line
	 * is full.
	 */
	private int enqueue(Waiter waiter) {
		this.waiting.incrementAndGet();
		this.lock.lock();
		try {
			if (this.head == null && takeFreeSlot()) {
				this.waiting.decrementAndGet();
				this.limiter.counters().permitted(0);
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
	 * @return {@code true} if it left without a slot; {@code false} if it had already
	 * been granted one, which it now holds and must release
	 */
	private boolean abandon(Waiter waiter) {
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
				this.limiter.counters().permitted(Math.max(1, System.nanoTime() - first.enqueuedAt));
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

	/**
	 * A caller in line: a node of the intrusive queue and a small state machine. Moves
	 * once, from waiting to granted or to cancelled; a granted waiter is the permit of
	 * its slot until released.
	 */
	private abstract static class Waiter extends AtomicInteger implements Permit {

		private static final long serialVersionUID = 1L;

		static final int WAITING = 0;

		static final int GRANTED = 1;

		static final int CANCELLED = 2;

		static final int RELEASED = 3;

		final transient LocalSlots slots;

		transient @Nullable Waiter prev;

		transient @Nullable Waiter next;

		transient boolean linked;

		transient long enqueuedAt;

		Waiter(LocalSlots slots) {
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

	}

	private static final class ThreadWaiter extends Waiter {

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

	}

	/**
	 * An asynchronous caller in line: its future completes with itself as the permit, or
	 * fails at max-wait; cancelling the future leaves the line or gives the slot back.
	 */
	private static final class FutureWaiter extends Waiter {

		private static final long serialVersionUID = 1L;

		final transient CompletableFuture<Permit> result = new CompletableFuture<>() {

			@Override
			public boolean cancel(boolean mayInterruptIfRunning) {
				if (!super.cancel(mayInterruptIfRunning)) {
					return false;
				}
				if (FutureWaiter.this.slots.abandon(FutureWaiter.this)) {
					cancelTimer();
				}
				else {
					FutureWaiter.this.release();
				}
				return true;
			}

		};

		private transient volatile @Nullable Future<?> timer;

		FutureWaiter(LocalSlots slots) {
			super(slots);
		}

		void watch(long maxWaitNanos, ScheduledExecutorService scheduler) {
			if (maxWaitNanos == Long.MAX_VALUE || this.result.isDone()) {
				return;
			}
			try {
				this.timer = scheduler.schedule(this::expire, maxWaitNanos, TimeUnit.NANOSECONDS);
			}
			catch (RejectedExecutionException ex) {
				expire();
			}
			if (get() != WAITING) {
				// granted or cancelled before the timer existed: it has nothing to do
				cancelTimer();
			}
		}

		private void expire() {
			if (this.slots.abandon(this)) {
				this.result.completeExceptionally(this.slots.limiter.rejected(BoundedLimiter.WAITED_TOO_LONG));
			}
		}

		private void cancelTimer() {
			Future<?> timer = this.timer;
			if (timer != null) {
				timer.cancel(false);
			}
		}

		@Override
		void granted() {
			cancelTimer();
			if (!this.result.complete(this)) {
				// cancelled meanwhile
				release();
			}
		}

	}

}
