package dev.asyncutils.throttle;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.core.admission.Permit;

/**
 * The admission of a throttle bucket in this JVM (an instance's, or one key's): one
 * compare-and-set on the {@link TokenBucket} takes the next permits, due now or later. A
 * plain caller sleeps (interruptibly) until they are due; an asynchronous one gets a
 * future that a timer completes then. An interrupted or cancelled caller gives its
 * permits back where no later caller counted on them yet. The permit itself is
 * {@link Permit#NONE}: spent when taken. A key's bucket that was forgotten meanwhile (it
 * was full) is replaced by the key's current one.
 */
final class LocalThrottleAdmission implements ThrottleAdmission {

	/** The answer for a permit due at once: shared, it allocates nothing. */
	private static final CompletableFuture<Permit> NOW = CompletableFuture.completedFuture(Permit.NONE);

	private final TokenBucket bucket;

	private final int permits;

	LocalThrottleAdmission(TokenBucket bucket, int permits) {
		this.bucket = bucket;
		this.permits = permits;
	}

	/**
	 * Return the admission of the same bucket for calls of another number of permits.
	 * @param permits permits per call, from 1 to the bucket's smallest burst
	 * @return the admission
	 */
	@Override
	public LocalThrottleAdmission withPermits(int permits) {
		return (permits == this.permits) ? this : new LocalThrottleAdmission(this.bucket, permits);
	}

	@Override
	public @Nullable Permit tryAdmit() {
		if (this.permits == 1) {
			return this.bucket.takeIfFree() ? Permit.NONE : null;
		}
		return (this.bucket.reserve(this.permits, 0, true, false) == TokenBucket.FREE_NOW) ? Permit.NONE : null;
	}

	@Override
	public Permit admit() {
		TokenBucket bucket = this.bucket;
		long token = bucket.reserve(this.permits, bucket.maxWaitNanos(), true, true);
		while (token == TokenBucket.RETIRED) {
			bucket = bucket.current();
			token = bucket.reserve(this.permits, bucket.maxWaitNanos(), true, true);
		}
		if (token == TokenBucket.REJECTED) {
			throw bucket.rejected(TokenBucket.BEYOND_MAX_WAIT);
		}
		if (token != TokenBucket.FREE_NOW) {
			bucket.awaitPermit(token, this.permits);
		}
		return Permit.NONE;
	}

	@Override
	public CompletableFuture<Permit> admitLater(ScheduledExecutorService scheduler) {
		TokenBucket bucket = this.bucket;
		long token;
		try {
			token = bucket.reserve(this.permits, bucket.maxWaitNanos(), true, true);
			while (token == TokenBucket.RETIRED) {
				bucket = bucket.current();
				token = bucket.reserve(this.permits, bucket.maxWaitNanos(), true, true);
			}
		}
		catch (ThrottleRejectedException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		if (token == TokenBucket.REJECTED) {
			return CompletableFuture.failedFuture(bucket.rejected(TokenBucket.BEYOND_MAX_WAIT));
		}
		if (token == TokenBucket.FREE_NOW) {
			return NOW;
		}
		long wait = bucket.waitNanos(token, bucket.now());
		if (wait == 0) {
			return NOW;
		}
		DuePermit due = new DuePermit(bucket, token, this.permits);
		try {
			due.timer = scheduler.schedule(due, wait, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			bucket.cancel(token, this.permits);
			return CompletableFuture.failedFuture(ex);
		}
		return bucket.waitingCalls().watch(due);
	}

	@Override
	public void shutDown() {
		this.bucket.waitingCalls().shutDown();
	}

	@Override
	public boolean tryAcquire() {
		TokenBucket bucket = this.bucket;
		long token = bucket.reserve(this.permits, 0, false, true);
		while (token == TokenBucket.RETIRED) {
			bucket = bucket.current();
			token = bucket.reserve(this.permits, 0, false, true);
		}
		return token != TokenBucket.REJECTED;
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
	 * Permits reserved for later, completed by the timer when due; cancelling it first
	 * gives the reservation back where possible.
	 */
	private static final class DuePermit extends CompletableFuture<Permit> implements Runnable {

		private final TokenBucket bucket;

		private final long token;

		private final int permits;

		volatile @Nullable Future<?> timer;

		DuePermit(TokenBucket bucket, long token, int permits) {
			this.bucket = bucket;
			this.token = token;
			this.permits = permits;
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
			this.bucket.cancel(this.token, this.permits);
			return true;
		}

	}

}
