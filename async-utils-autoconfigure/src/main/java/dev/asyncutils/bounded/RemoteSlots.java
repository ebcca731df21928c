package dev.asyncutils.bounded;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.backend.RemoteBounded;
import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.backend.BackendSettings;
import dev.asyncutils.backend.BackendStoppedException;
import dev.asyncutils.backend.BackendUnavailableException;
import dev.asyncutils.backend.FallbackShare;
import dev.asyncutils.backend.OnFailure;
import dev.asyncutils.core.Failures;
import dev.asyncutils.core.admission.Permit;
import dev.asyncutils.core.admission.WaitingCalls;

/**
 * The admission of a bounded instance whose slots live in a remote store. A caller asks
 * the store for a free slot; while all are held it asks again after a short back-off (5
 * ms, doubling up to 100 ms) until its max-wait passes, holding no thread in between. The
 * outcome is counted on the instance's {@link BoundedLimiter}. While the store does not
 * answer, the failure mode decides: reject, let the call through without a slot, or take
 * a slot of the local limiter of the same settings, sized to this process's
 * {@link FallbackShare share} of the limit.
 *
 * <p>
 * Unlike the local limiter, waiters are not served first come first served across JVMs,
 * and {@code max-queued} counts the waiters of this JVM only.
 *
 * <p>
 * Each key of a keyed instance has its own
 * ({@link #forKey(BoundedLimiter, LocalSlots, Object)}): the key's slots in the store,
 * and the key's local slots as fallback.
 */
final class RemoteSlots implements SlotAdmission {

	static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

	static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

	private final BoundedLimiter limiter;

	private final RemoteBounded remote;

	private final LocalSlots local;

	private final OnFailure onFailure;

	private final long maxWaitNanos;

	private final int maxQueued;

	private final long timeoutNanos;

	private final AtomicInteger waiting = new AtomicInteger();

	/** The share the local fallback is sized to: the whole limit until told otherwise. */
	private volatile FallbackShare applied = FallbackShare.ALONE;

	private final WaitingCalls waitingCalls = new WaitingCalls();

	RemoteSlots(BoundedLimiter limiter, RemoteBounded remote, LocalSlots local) {
		this(limiter, remote, local, null);
	}

	/**
	 * Create the admission of an instance, or of one key of an instance.
	 * @param instance the instance's admission, for one key's: a key created after the
	 * shutdown began refuses to wait too
	 */
	private RemoteSlots(BoundedLimiter limiter, RemoteBounded remote, LocalSlots local,
			@Nullable RemoteSlots instance) {
		BoundedSettings settings = limiter.settings();
		BackendSettings backend = settings.backend();
		this.limiter = limiter;
		this.remote = remote;
		this.local = local;
		this.onFailure = backend.onFailure();
		this.maxWaitNanos = (settings.maxWait() != null) ? settings.maxWait().toNanos() : Long.MAX_VALUE;
		this.maxQueued = (settings.maxQueued() != null) ? settings.maxQueued() : Integer.MAX_VALUE;
		this.timeoutNanos = backend.timeoutNanos(settings.maxWait());
		if (instance != null && instance.waitingCalls.isShutDown()) {
			this.waitingCalls.shutDown();
		}
	}

	/**
	 * Return the admission of one key's limit: the key's slots in the store, and the
	 * key's local slots for the {@code local} failure mode.
	 * @param keyLimiter the key's limiter
	 * @param keyLocal the key's local slots
	 * @param key the key value
	 * @return the admission
	 */
	RemoteSlots forKey(BoundedLimiter keyLimiter, LocalSlots keyLocal, Object key) {
		return new RemoteSlots(keyLimiter, this.remote.forKey(String.valueOf(key)), keyLocal, this);
	}

	@Override
	public int waiting() {
		return this.waiting.get();
	}

	@Override
	public int active() {
		return this.remote.active();
	}

	@Override
	public @Nullable Permit tryAdmit() {
		// only the store can tell
		return null;
	}

	/**
	 * Take a slot, waiting up to max-wait without holding a thread.
	 * @return completes with the lease of the slot (release it exactly once), or
	 * exceptionally with {@link BoundedRejectedException}; cancelling it stops waiting
	 * and gives back a slot granted meanwhile
	 */
	@Override
	public CompletableFuture<Permit> admitLater(ScheduledExecutorService scheduler) {
		Attempt attempt = new Attempt(System.nanoTime());
		this.waitingCalls.watch(attempt.result);
		attempt(attempt);
		return attempt.result;
	}

	/**
	 * End every caller of this JVM waiting for a slot, here or on the local fallback.
	 */
	@Override
	public void shutDown() {
		this.waitingCalls.shutDown();
		this.local.shutDown();
	}

	/**
	 * Take a slot, blocking the calling thread up to max-wait.
	 * @return the lease
	 */
	@Override
	public Permit admit() {
		Attempt attempt = new Attempt(System.nanoTime());
		this.waitingCalls.watch(attempt.result);
		attempt(attempt);
		CompletableFuture<Permit> slot = attempt.result;
		try {
			return slot.get();
		}
		catch (InterruptedException ex) {
			abandon(slot);
			Thread.currentThread().interrupt();
			throw this.limiter.rejected("interrupted while waiting for a slot");
		}
		catch (ExecutionException ex) {
			Throwable cause = Failures.unwrap(ex);
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(cause);
		}
	}

	/**
	 * Stop waiting for a slot; give it back if it was granted meanwhile.
	 * @param slot the caller's slot
	 */
	private static void abandon(CompletableFuture<Permit> slot) {
		if (!slot.cancel(false) && !slot.isCompletedExceptionally()) {
			slot.join().release();
		}
	}

	/**
	 * {@link BoundedLimiter#tryAcquire()} of a remote instance: one question to the
	 * store.
	 * @return {@code true} if a slot was taken
	 */
	@Override
	public @Nullable Permit tryAcquire() {
		Attempt attempt = new Attempt(System.nanoTime());
		attempt.once = true;
		attempt(attempt);
		try {
			return attempt.result.get();
		}
		catch (InterruptedException ex) {
			abandon(attempt.result);
			Thread.currentThread().interrupt();
			return null;
		}
		catch (ExecutionException | CancellationException ex) {
			return null;
		}
	}

	private void attempt(Attempt attempt) {
		if (attempt.result.isDone()) {
			// cancelled while it waited: it leaves the line
			if (attempt.queued) {
				attempt.queued = false;
				this.waiting.decrementAndGet();
			}
			return;
		}
		CompletableFuture<@Nullable String> answer;
		try {
			answer = this.remote.tryAcquire(this.timeoutNanos);
		}
		catch (RuntimeException ex) {
			answer = CompletableFuture.failedFuture(new BackendUnavailableException(String.valueOf(ex), ex));
		}
		answer.whenComplete((holder, failure) -> {
			if (failure != null) {
				unavailable(attempt, Failures.unwrap(failure));
			}
			else if (holder != null) {
				grant(attempt, new Lease(this, holder, null), true);
			}
			else {
				full(attempt, BoundedLimiter.WAITED_TOO_LONG);
			}
		});
	}

	private void unavailable(Attempt attempt, Throwable cause) {
		if (cause instanceof BackendStoppedException) {
			// the application is shutting down: no failure mode applies
			if (attempt.queued) {
				this.waiting.decrementAndGet();
			}
			attempt.result.completeExceptionally(WaitingCalls.shuttingDown());
			return;
		}
		switch (this.onFailure) {
			case FAIL_OPEN -> grant(attempt, new Lease(this, null, null), true);
			case FAIL_CLOSED ->
				reject(attempt, "redis unavailable and on-failure is fail-closed: " + cause.getMessage());
			default -> {
				RemoteSlots current;
				try {
					current = currentSlots();
				}
				catch (BoundedRejectedException ex) {
					// the key's local slots were retired, and max-keys keys are held now
					if (attempt.queued) {
						this.waiting.decrementAndGet();
					}
					attempt.result.completeExceptionally(ex);
					return;
				}
				FallbackShare share = current.followShare();
				Permit local = current.local.tryAdmit();
				if (local != null) {
					grant(attempt, new Lease(this, null, local), false);
				}
				else {
					full(attempt,
							BoundedLimiter.WAITED_TOO_LONG + " (local fallback while redis is unavailable: "
									+ share.of(this.limiter.limit()) + " of " + this.limiter.limit() + " slots for "
									+ share + ")");
				}
			}
		}
	}

	/**
	 * Size the local fallback to this process's share of the limit, as last learned from
	 * the store.
	 * @return the share
	 */
	private FallbackShare followShare() {
		FallbackShare share = this.remote.share();
		if (!share.equals(this.applied)) {
			synchronized (this) {
				share = this.remote.share();
				if (!share.equals(this.applied)) {
					this.local.resize(share.of(this.limiter.limit()));
					this.applied = share;
				}
			}
		}
		return share;
	}

	/**
	 * Every slot is held: wait and ask again, or give up.
	 */
	private void full(Attempt attempt, String waitedTooLong) {
		if (attempt.once || this.maxWaitNanos == 0) {
			reject(attempt, BoundedLimiter.NO_WAIT);
			return;
		}
		if (!attempt.queued) {
			if (this.waiting.incrementAndGet() > this.maxQueued) {
				this.waiting.decrementAndGet();
				reject(attempt, BoundedLimiter.QUEUE_FULL);
				return;
			}
			attempt.queued = true;
			if (this.maxWaitNanos != Long.MAX_VALUE) {
				// a retry sent near the end may take up to the command timeout to answer:
				// the caller stops waiting at its max-wait all the same (a slot granted
				// later is given back by grant)
				long deadline = this.maxWaitNanos - (System.nanoTime() - attempt.start);
				CompletableFuture.delayedExecutor(Math.max(0, deadline), TimeUnit.NANOSECONDS, Runnable::run)
					.execute(() -> expire(attempt, waitedTooLong));
			}
		}
		long left = (this.maxWaitNanos == Long.MAX_VALUE) ? Long.MAX_VALUE
				: this.maxWaitNanos - (System.nanoTime() - attempt.start);
		if (left <= 0) {
			reject(attempt, waitedTooLong);
			return;
		}
		long delay = Math.min(attempt.backoff, left);
		attempt.backoff = Math.min(attempt.backoff * 2, MAX_BACKOFF_NANOS);
		CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS, Runnable::run).execute(() -> attempt(attempt));
	}

	private void grant(Attempt attempt, Lease lease, boolean count) {
		if (attempt.queued) {
			this.waiting.decrementAndGet();
		}
		if (!attempt.result.complete(lease)) {
			// the caller gave up meanwhile
			lease.release();
			return;
		}
		if (count) {
			this.limiter.counters().permitted(attempt.queued ? System.nanoTime() - attempt.start : 0);
		}
	}

	private void reject(Attempt attempt, String reason) {
		if (attempt.queued) {
			this.waiting.decrementAndGet();
		}
		decline(attempt, reason);
	}

	/**
	 * The caller's max-wait passed while its last question to the store is unanswered:
	 * reject it now. The answer still ends the attempt (and, for a waiter, leaves the
	 * line).
	 */
	private void expire(Attempt attempt, String waitedTooLong) {
		decline(attempt, waitedTooLong);
	}

	private void decline(Attempt attempt, String reason) {
		// the deadline and an answer may decline at once: only one is counted
		if (!attempt.result.isDone() && attempt.declined.compareAndSet(false, true)) {
			attempt.result.completeExceptionally(this.limiter.rejected(reason));
		}
	}

	void release(Lease lease) {
		if (lease.holder != null) {
			this.remote.release(lease.holder);
		}
		else if (lease.local != null) {
			lease.local.release();
		}
		// else fail-open: nothing was taken
	}

	/**
	 * Return the admission whose local slots to fall back to: this one, or, once a key's
	 * local slots were retired (idle here for a while), the key's current one.
	 */
	private RemoteSlots currentSlots() {
		return this.local.isRetired() ? (RemoteSlots) this.limiter.current().admission() : this;
	}

	/**
	 * One caller's way to a slot.
	 */
	private static final class Attempt {

		final CompletableFuture<Permit> result = new CompletableFuture<>();

		final long start;

		long backoff = FIRST_BACKOFF_NANOS;

		volatile boolean queued;

		final AtomicBoolean declined = new AtomicBoolean();

		boolean once;

		Attempt(long start) {
			this.start = start;
		}

	}

	/**
	 * A slot held by one call: in the store (a holder id), of the local limiter (the
	 * local slot's permit), or none (fail-open). Released exactly once, however often
	 * {@link #release()} is called.
	 */
	static final class Lease extends AtomicBoolean implements Permit {

		private static final long serialVersionUID = 1L;

		private final transient RemoteSlots slots;

		private final transient @Nullable String holder;

		private final transient @Nullable Permit local;

		Lease(RemoteSlots slots, @Nullable String holder, @Nullable Permit local) {
			this.slots = slots;
			this.holder = holder;
			this.local = local;
		}

		@Override
		public void release() {
			if (compareAndSet(false, true)) {
				this.slots.release(this);
			}
		}

	}

}
