package dev.asyncutils.throttle;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.backend.RemoteThrottle;
import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.backend.BackendSettings;
import dev.asyncutils.backend.BackendStoppedException;
import dev.asyncutils.backend.BackendUnavailableException;
import dev.asyncutils.backend.FallbackShare;
import dev.asyncutils.backend.OnFailure;
import dev.asyncutils.core.Failures;
import dev.asyncutils.core.admission.Permit;
import dev.asyncutils.core.admission.WaitingCalls;

/**
 * The admission of a throttle instance whose bucket lives in a remote store: asks the
 * store for a permit, counts the outcome on the instance's {@link TokenBucket} (so that
 * meters and the endpoint read the same counters), and applies the instance's failure
 * mode when the store does not answer: reject, permit, or take a permit from a local
 * bucket of this process's share of the instance's limits ({@link FallbackBucket}).
 *
 * <p>
 * One admission serves the instance's unkeyed bucket; each key's bucket gets its own
 * ({@link #forKey(TokenBucket, Object)}), with the key's remote bucket, and calls of more
 * than one permit a copy for that many ({@link #withPermits(int)}). All of them count
 * into the instance's counters and its count of waiting callers, and fall back to the
 * instance's one {@link FallbackBucket}: a key to that bucket's bucket of the key.
 */
final class RemoteThrottleAdmission implements ThrottleAdmission {

	private final TokenBucket bucket;

	private final RemoteThrottle remote;

	private final String name;

	private final OnFailure onFailure;

	private final long maxWaitNanos;

	private final long timeoutNanos;

	private final int permits;

	/** The key of this admission's bucket, {@code null} for the instance's own. */
	private final @Nullable Object key;

	/** The admission of the instance's own bucket: itself, or the one of its keys'. */
	private final RemoteThrottleAdmission instance;

	private final AtomicInteger waiting;

	/**
	 * The local bucket of this process's share, created at the first fallback; kept by
	 * the instance's admission only.
	 */
	private volatile @Nullable FallbackBucket fallback;

	RemoteThrottleAdmission(TokenBucket bucket, RemoteThrottle remote) {
		this(bucket, remote, 1, null, null);
	}

	private RemoteThrottleAdmission(TokenBucket bucket, RemoteThrottle remote, int permits, @Nullable Object key,
			@Nullable RemoteThrottleAdmission instance) {
		ThrottleSettings settings = bucket.settings();
		BackendSettings backend = settings.backend();
		this.bucket = bucket;
		this.remote = remote;
		this.name = settings.name();
		this.onFailure = backend.onFailure();
		this.maxWaitNanos = (settings.maxWait() != null) ? settings.maxWait().toNanos() : Long.MAX_VALUE;
		this.timeoutNanos = backend.timeoutNanos(settings.maxWait());
		this.permits = permits;
		this.key = key;
		this.instance = (instance != null) ? instance : this;
		this.waiting = (instance != null) ? instance.waiting : new AtomicInteger();
	}

	/**
	 * Return the admission of one key's bucket: the key's remote bucket, and the key's
	 * local bucket for the {@code local} failure mode.
	 * @param keyBucket the key's (local) bucket
	 * @param key the key value
	 * @return the admission
	 */
	RemoteThrottleAdmission forKey(TokenBucket keyBucket, Object key) {
		return new RemoteThrottleAdmission(keyBucket, this.remote.forKey(String.valueOf(key)), 1, key, this.instance);
	}

	@Override
	public RemoteThrottleAdmission withPermits(int permits) {
		return (permits == this.permits) ? this
				: new RemoteThrottleAdmission(this.bucket, this.remote, permits, this.key, this.instance);
	}

	@Override
	public @Nullable Permit tryAdmit() {
		// only the store can tell
		return null;
	}

	@Override
	public Permit admit() {
		long start = System.nanoTime();
		awaitPermit(await(reserve(), start, this.maxWaitNanos));
		return Permit.NONE;
	}

	@Override
	public CompletableFuture<Permit> admitLater(ScheduledExecutorService scheduler) {
		CompletableFuture<Permit> result = this.bucket.waitingCalls().watch(new CompletableFuture<>());
		if (result.isDone()) {
			return result;
		}
		reserve().whenComplete((wait, failure) -> {
			if (failure != null) {
				result.completeExceptionally(Failures.unwrap(failure));
			}
			else if (wait == 0) {
				result.complete(Permit.NONE);
			}
			else if (!result.isDone()) {
				// a remote reservation is never given back: a caller that gives up leaves
				// its permit spent, which can only make the limit stricter
				try {
					Future<?> timer = scheduler.schedule(() -> result.complete(Permit.NONE), wait,
							TimeUnit.NANOSECONDS);
					result.whenComplete((permit, cancelled) -> timer.cancel(false));
				}
				catch (RejectedExecutionException ex) {
					result.completeExceptionally(ex);
				}
			}
		});
		return result;
	}

	@Override
	public void shutDown() {
		this.bucket.waitingCalls().shutDown();
	}

	@Override
	public int availablePermits() {
		return this.remote.availablePermits();
	}

	/**
	 * Reserve a permit within the configured max-wait.
	 * @return completes with the nanoseconds to wait for it, or exceptionally with
	 * {@link ThrottleRejectedException}
	 */
	CompletableFuture<Long> reserve() {
		return reserve(this.maxWaitNanos);
	}

	CompletableFuture<Long> reserve(long maxWaitNanos) {
		long start = System.nanoTime();
		CompletableFuture<Long> answer;
		try {
			answer = this.remote.reserve(this.permits, maxWaitNanos, this.timeoutNanos);
		}
		catch (RuntimeException ex) {
			answer = CompletableFuture.failedFuture(new BackendUnavailableException(String.valueOf(ex), ex));
		}
		return answer.handle((wait, failure) -> decide(wait, failure, start, maxWaitNanos));
	}

	private long decide(Long wait, Throwable failure, long start, long maxWaitNanos) {
		if (failure == null) {
			if (wait >= 0) {
				this.bucket.counters().permitted(wait);
				return wait;
			}
			this.bucket.counters().rejected();
			throw new ThrottleRejectedException(this.name, Duration.ofNanos(-(wait + 1)), TokenBucket.BEYOND_MAX_WAIT);
		}
		return unavailable(Failures.unwrap(failure), start, maxWaitNanos);
	}

	private long unavailable(Throwable cause, long start, long maxWaitNanos) {
		if (cause instanceof BackendStoppedException) {
			// the application is shutting down: no failure mode applies
			throw WaitingCalls.shuttingDown();
		}
		switch (this.onFailure) {
			case FAIL_OPEN -> {
				this.bucket.counters().permitted(0);
				return 0;
			}
			case FAIL_CLOSED -> {
				this.bucket.counters().rejected();
				throw new ThrottleRejectedException(this.name, Duration.ZERO,
						"redis unavailable and on-failure is fail-closed: " + cause.getMessage());
			}
			default -> {
				long elapsed = System.nanoTime() - start;
				long left = (maxWaitNanos == Long.MAX_VALUE) ? maxWaitNanos : Math.max(0, maxWaitNanos - elapsed);
				FallbackBucket fallback = this.instance.fallback();
				TokenBucket local = fallback.bucket();
				if (local != null && this.key != null) {
					// a key falls back to its own bucket of this process's share
					local = local.keyed(this.key);
					if (local == null) {
						this.bucket.counters().rejected();
						throw fallback.bucket().maxKeysReached();
					}
				}
				long token = TokenBucket.REJECTED;
				if (local != null && this.permits <= local.maxPermits()) {
					token = local.reserve(this.permits, left, false, true);
					while (token == TokenBucket.RETIRED) {
						// the key's bucket was forgotten (it was full): take its
						// successor
						local = local.current();
						token = local.reserve(this.permits, left, false, true);
					}
				}
				else {
					this.bucket.counters().rejected();
				}
				if (token == TokenBucket.REJECTED) {
					String reason = TokenBucket.BEYOND_MAX_WAIT + " (local fallback while redis is unavailable: "
							+ fallback + ")";
					if (local == null) {
						throw new ThrottleRejectedException(this.name, Duration.ZERO, reason);
					}
					throw local.rejected(reason);
				}
				return local.waitNanos(token, local.now());
			}
		}
	}

	/**
	 * Return the local bucket of this process's share, as last learned from the store.
	 * @return the bucket, replaced when the share changed
	 */
	private FallbackBucket fallback() {
		FallbackShare share = this.remote.share();
		FallbackBucket fallback = this.fallback;
		if (fallback == null || !fallback.share().equals(share)) {
			synchronized (this) {
				fallback = this.fallback;
				share = this.remote.share();
				if (fallback == null || !fallback.share().equals(share)) {
					fallback = new FallbackBucket(this.bucket.settings(), share, this.bucket::now,
							this.bucket.counters());
					this.fallback = fallback;
				}
			}
		}
		return fallback;
	}

	/**
	 * Take a permit only if one is free now.
	 * @return {@code true} if a permit was taken
	 */
	@Override
	public boolean tryAcquire() {
		try {
			return await(reserve(0), System.nanoTime(), 0) == 0;
		}
		catch (ThrottleRejectedException ex) {
			if (Thread.currentThread().isInterrupted()) {
				throw ex;
			}
			return false;
		}
	}

	/**
	 * Return how many callers of this JVM wait for a reserved permit.
	 * @return the waiting callers
	 */
	@Override
	public int waiting() {
		return this.waiting.get();
	}

	private long await(CompletableFuture<Long> answer, long start, long maxWaitNanos) {
		try {
			// the store answers within its timeout; the bound here only guards against a
			// store that breaks that promise
			return answer.get(this.timeoutNanos + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw this.bucket.rejected("interrupted while waiting for a permit");
		}
		catch (ExecutionException ex) {
			Throwable cause = Failures.unwrap(ex);
			if (cause instanceof RuntimeException runtime) {
				throw runtime;
			}
			throw new IllegalStateException(cause);
		}
		catch (TimeoutException ex) {
			// the local fallback gets what is left of the caller's max-wait
			return unavailable(new BackendUnavailableException("no answer from the store in time"), start,
					maxWaitNanos);
		}
	}

	private void awaitPermit(long wait) {
		if (wait <= 0) {
			return;
		}
		WaitingCalls calls = this.bucket.waitingCalls();
		calls.enter();
		this.waiting.incrementAndGet();
		try {
			long deadline = System.nanoTime() + wait;
			long left = wait;
			while (left > 0) {
				LockSupport.parkNanos(this, left);
				if (Thread.interrupted()) {
					// the permit stays spent: a remote reservation is never given back
					Thread.currentThread().interrupt();
					throw this.bucket.rejected("interrupted while waiting for a permit");
				}
				if (calls.isShutDown()) {
					throw WaitingCalls.shuttingDown();
				}
				left = deadline - System.nanoTime();
			}
		}
		finally {
			this.waiting.decrementAndGet();
			calls.leave();
		}
	}

}
