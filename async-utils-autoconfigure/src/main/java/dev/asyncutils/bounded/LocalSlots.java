package dev.asyncutils.bounded;

import java.util.ArrayList;
import java.util.List;
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
import dev.asyncutils.core.admission.WaitingCalls;

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
 * The limit is {@code maxConcurrent}, except for the local fallback of a remote instance,
 * which {@link #resize(int) resizes} it to this process's share: {@code available} then
 * goes below 0 while more than the new limit are held, and no slot is free until enough
 * of them are given back.
 *
 * <p>
 * Invariants: {@code available <= limit}; a slot is handed to at most one waiter; a
 * waiter ends either granted or cancelled, never both; a granted waiter is itself the
 * permit of its slot, released once.
 *
 * <p>
 * The slots of one key of a keyed instance are retired once idle ({@link #retire()}):
 * under the lock, with nobody waiting or announced, {@code available} goes from
 * {@code limit} (every slot free) to {@link #RETIRED} in one compare-and-set. A taker's
 * compare-and-set and the retirement's exclude each other, so either the taker holds a
 * slot (and the retirement fails) or the limit is retired (and the taker finds no slot
 * and goes to the key's current limit). A release can only follow a take, so none reaches
 * a retired limit; one that did would be refused loudly.
 */
final class LocalSlots implements SlotAdmission {

	private static final int TAKEN = 0;

	private static final int QUEUED = 1;

	private static final int FULL = 2;

	private static final int RETIRED_NOW = 3;

	/** The value of {@code available} once retired: no slot is ever free again. */
	private static final int RETIRED = Integer.MIN_VALUE / 2;

	final BoundedLimiter limiter;

	/** The most holders at once: {@code maxConcurrent}, or a share of it. */
	private volatile int limit;

	private final long maxWaitNanos;

	private final int maxQueued;

	private final AtomicInteger available;

	/** Waiters announced or queued; the fast path only runs while it is zero. */
	private final AtomicInteger waiting = new AtomicInteger();

	private final ReentrantLock lock = new ReentrantLock();

	private @Nullable SlotWaiter head;

	private @Nullable SlotWaiter tail;

	private volatile int queued;

	private volatile boolean shutDown;

	private volatile boolean retired;

	/** The instance's slots, for the slots of one key: their shutdown ends these too. */
	private final @Nullable LocalSlots instance;

	/** The permit of a slot taken without waiting: one for all of them. */
	private final Permit slot = this::releaseOne;

	private final CompletableFuture<Permit> slotNow = CompletableFuture.completedFuture(this.slot);

	LocalSlots(BoundedLimiter limiter, @Nullable LocalSlots instance) {
		BoundedSettings settings = limiter.settings();
		this.limiter = limiter;
		this.instance = instance;
		this.limit = settings.maxConcurrent();
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
		Permit free = tryAdmit();
		if (free == null && this.retired) {
			return successor().tryAcquire();
		}
		return free;
	}

	@Override
	public Permit admit() {
		Permit free = tryAdmit();
		if (free != null) {
			return free;
		}
		if (this.retired) {
			return successor().admit();
		}
		if (this.maxWaitNanos == 0) {
			throw this.limiter.rejected(BoundedLimiter.NO_WAIT);
		}
		if (isShutDown()) {
			throw WaitingCalls.shuttingDown();
		}
		ThreadWaiter waiter = new ThreadWaiter(this, Thread.currentThread());
		int outcome = enqueue(waiter);
		if (outcome == TAKEN) {
			return this.slot;
		}
		if (outcome == FULL) {
			throw this.limiter.rejected(BoundedLimiter.QUEUE_FULL);
		}
		if (outcome == RETIRED_NOW) {
			return successor().admit();
		}
		if (isShutDown()) {
			// joined while the line was being ended
			abandon(waiter);
		}
		long deadline = (this.maxWaitNanos == Long.MAX_VALUE) ? 0 : System.nanoTime() + this.maxWaitNanos;
		while (true) {
			int state = waiter.get();
			if (state == SlotWaiter.GRANTED) {
				return waiter;
			}
			if (state == SlotWaiter.CANCELLED) {
				// only the shutdown cancels a waiting thread other than itself
				throw WaitingCalls.shuttingDown();
			}
			if (deadline == 0) {
				LockSupport.park(this);
			}
			else {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					if (abandon(waiter)) {
						throw this.limiter.rejected(BoundedLimiter.WAITED_TOO_LONG);
					}
					continue;
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
	}

	@Override
	public CompletableFuture<Permit> admitLater(ScheduledExecutorService scheduler) {
		if (this.retired) {
			return laterFromSuccessor(scheduler);
		}
		if (this.maxWaitNanos == 0) {
			return CompletableFuture.failedFuture(this.limiter.rejected(BoundedLimiter.NO_WAIT));
		}
		if (isShutDown()) {
			return CompletableFuture.failedFuture(WaitingCalls.shuttingDown());
		}
		FutureWaiter waiter = new FutureWaiter(this);
		int outcome = enqueue(waiter);
		if (outcome == TAKEN) {
			return this.slotNow;
		}
		if (outcome == FULL) {
			return CompletableFuture.failedFuture(this.limiter.rejected(BoundedLimiter.QUEUE_FULL));
		}
		if (outcome == RETIRED_NOW) {
			return laterFromSuccessor(scheduler);
		}
		waiter.watch(this.maxWaitNanos, scheduler);
		if (isShutDown() && abandon(waiter)) {
			// joined while the line was being ended
			waiter.shutDown();
		}
		return waiter.result;
	}

	/**
	 * End every caller in line: threads wake up and throw, futures fail, both with
	 * {@link WaitingCalls#shuttingDown()}; later callers that would wait are refused.
	 */
	@Override
	public void shutDown() {
		this.shutDown = true;
		List<SlotWaiter> line = new ArrayList<>();
		this.lock.lock();
		try {
			for (SlotWaiter waiter = this.head; waiter != null; waiter = waiter.next) {
				line.add(waiter);
			}
		}
		finally {
			this.lock.unlock();
		}
		for (SlotWaiter waiter : line) {
			if (abandon(waiter)) {
				waiter.shutDown();
			}
		}
	}

	@Override
	public int active() {
		int available = this.available.get();
		return (available == RETIRED) ? 0 : this.limit - available;
	}

	int available() {
		int available = this.available.get();
		return (available == RETIRED) ? this.limit : available;
	}

	private boolean isShutDown() {
		LocalSlots instance = this.instance;
		return this.shutDown || (instance != null && instance.shutDown);
	}

	/**
	 * Retire the slots of a key if they are idle: every slot free, nobody waiting or
	 * about to wait. From then on no slot is ever taken from them; their callers go to
	 * the key's current slots.
	 * @return {@code true} if retired (now or before), {@code false} if in use
	 */
	boolean retire() {
		if (this.retired) {
			return true;
		}
		this.lock.lock();
		try {
			if (this.waiting.get() != 0 || this.head != null || !this.available.compareAndSet(this.limit, RETIRED)) {
				return false;
			}
			this.retired = true;
			return true;
		}
		finally {
			this.lock.unlock();
		}
	}

	boolean isRetired() {
		return this.retired;
	}

	/**
	 * Return the admission that stands for these retired slots now: the current slots of
	 * the key.
	 * @throws dev.asyncutils.BoundedRejectedException if the key is new again and
	 * max-keys keys are held
	 */
	private SlotAdmission successor() {
		return (SlotAdmission) this.limiter.current().admission();
	}

	private CompletableFuture<Permit> laterFromSuccessor(ScheduledExecutorService scheduler) {
		try {
			return successor().admitLater(scheduler);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	@Override
	public int waiting() {
		return this.queued;
	}

	/**
	 * Change the limit, for slots held now as for later ones: a smaller limit frees no
	 * slot until enough holders gave theirs back, a larger one frees the difference at
	 * once (to the waiters first).
	 * @param limit the new limit, at least 0
	 */
	void resize(int limit) {
		this.lock.lock();
		try {
			if (this.retired) {
				// its callers go to the key's current slots, which are sized anew
				return;
			}
			int change = limit - this.limit;
			// in the order that keeps a concurrent release below the limit it checks
			if (change < 0) {
				this.available.addAndGet(change);
				this.limit = limit;
			}
			else if (change > 0) {
				this.limit = limit;
				this.available.addAndGet(change);
			}
		}
		finally {
			this.lock.unlock();
		}
		if (this.waiting.get() != 0) {
			grantWaiters();
		}
	}

	/**
	 * Give a slot back; hand it to the first waiter, if any.
	 */
	void releaseOne() {
		int now = this.available.incrementAndGet();
		// judged by the value the increment met, never by the flag: a slot released just
		// before the retirement is a release like any other
		boolean retired = now < RETIRED / 2;
		if (now > this.limit || retired) {
			this.available.decrementAndGet();
			throw new IllegalStateException("Bounded '" + this.limiter.settings().name() + "' released more slots than "
					+ (retired ? "taken: the limit of its key was retired" : "taken"));
		}
		if (this.waiting.get() != 0) {
			grantWaiters();
		}
	}

	/**
	 * Join the line, unless a slot is free and nobody is ahead (then take it) or the line
	 * is full.
	 */
	private int enqueue(SlotWaiter waiter) {
		this.waiting.incrementAndGet();
		this.lock.lock();
		try {
			if (this.retired) {
				this.waiting.decrementAndGet();
				return RETIRED_NOW;
			}
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
	boolean abandon(SlotWaiter waiter) {
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
			SlotWaiter first;
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

	private void unlink(SlotWaiter waiter) {
		SlotWaiter prev = waiter.prev;
		SlotWaiter next = waiter.next;
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

}
