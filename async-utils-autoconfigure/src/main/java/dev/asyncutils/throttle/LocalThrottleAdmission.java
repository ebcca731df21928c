package dev.asyncutils.throttle;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.admission.Permit;

/**
 * The admission of a throttle instance in this JVM: one compare-and-set on the
 * {@link TokenBucket} takes the next permit, due now or later. A plain caller sleeps
 * (interruptibly) until it is due; an asynchronous one gets a future that a timer
 * completes then. An interrupted or cancelled caller gives its permit back where no later
 * caller counted on it yet. The permit itself is {@link Permit#NONE}: spent when taken.
 */
final class LocalThrottleAdmission implements ThrottleAdmission {

	/** The answer for a permit due at once: shared, it allocates nothing. */
	private static final CompletableFuture<Permit> NOW = CompletableFuture.completedFuture(Permit.NONE);

	private final TokenBucket bucket;

	LocalThrottleAdmission(TokenBucket bucket) {
		this.bucket = bucket;
	}

	@Override
	public @Nullable Permit tryAdmit() {
		return this.bucket.takeIfFree() ? Permit.NONE : null;
	}

	@Override
	public Permit admit() {
		long token = this.bucket.reserveUnlessFree(this.bucket.maxWaitNanos());
		if (token == TokenBucket.REJECTED) {
			throw this.bucket.rejected(TokenBucket.BEYOND_MAX_WAIT);
		}
		if (token != TokenBucket.FREE_NOW) {
			this.bucket.awaitPermit(token);
		}
		return Permit.NONE;
	}

	@Override
	public CompletableFuture<Permit> admitLater(ScheduledExecutorService scheduler) {
		long token = this.bucket.reserveUnlessFree(this.bucket.maxWaitNanos());
		if (token == TokenBucket.REJECTED) {
			return CompletableFuture.failedFuture(this.bucket.rejected(TokenBucket.BEYOND_MAX_WAIT));
		}
		if (token == TokenBucket.FREE_NOW) {
			return NOW;
		}
		long wait = this.bucket.waitNanos(token, this.bucket.now());
		if (wait == 0) {
			return NOW;
		}
		DuePermit due = new DuePermit(token);
		try {
			due.timer = scheduler.schedule(due, wait, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			this.bucket.cancel(token);
			return CompletableFuture.failedFuture(ex);
		}
		return this.bucket.waitingCalls().watch(due);
	}

	@Override
	public void shutDown() {
		this.bucket.waitingCalls().shutDown();
	}

	@Override
	public boolean tryAcquire() {
		return this.bucket.reserve(0) != TokenBucket.REJECTED;
	}

	@Override
	public int availablePermits() {
		return this.bucket.localAvailablePermits();
	}

	@Override
	public int waiting() {
		return this.bucket.localWaiting();
	}

	/**
	 * A permit reserved for later, completed by the timer when due; cancelling it first
	 * gives the reservation back where possible.
	 */
	private final class DuePermit extends CompletableFuture<Permit> implements Runnable {

		private final long token;

		volatile @Nullable Future<?> timer;

		DuePermit(long token) {
			this.token = token;
		}

		@Override
		public void run() {
			complete(Permit.NONE);
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			if (!super.cancel(mayInterruptIfRunning)) {
				return false;
			}
			Future<?> timer = this.timer;
			if (timer != null) {
				timer.cancel(false);
			}
			LocalThrottleAdmission.this.bucket.cancel(this.token);
			return true;
		}

	}

}
