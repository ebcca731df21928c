package dev.asyncutils.retry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ExceptionTypeFilter;
import org.springframework.util.backoff.BackOffExecution;

import dev.asyncutils.core.Failures;

/**
 * The decisions of one retried call, shared by every return kind: after each failure,
 * retry (and after how long) or give up. Created at the first failure, so a call that
 * succeeds at once allocates nothing for retrying.
 *
 * <p>
 * The decision is Spring's: {@code RetryPolicy.shouldRetry} (retry-on / abort-on, causes
 * included), the policy's {@code BackOff} (attempt count, delay, multiplier, cap,
 * jitter), and its timeout measured from the first attempt, given up when the next wait
 * would end past it.
 */
final class RetryRun {

	private static final Log logger = LogFactory.getLog(RetryRun.class);

	/** Returned by {@link #onFailure} to give up. */
	static final long GIVE_UP = -1;

	private final RetrySettings settings;

	private final RetryStats stats;

	private final long startNanos;

	private @Nullable BackOffExecution backOff;

	private int attempts;

	private @Nullable Throwable last;

	private @Nullable List<Throwable> earlier;

	RetryRun(RetrySettings settings, RetryStats stats, long startNanos) {
		this.settings = settings;
		this.stats = stats;
		this.startNanos = startNanos;
	}

	/**
	 * Record a failed attempt and decide what comes next.
	 * @param failure the attempt's failure, unwrapped
	 * @return the wait in milliseconds before the next attempt, or {@link #GIVE_UP}
	 */
	long onFailure(Throwable failure) {
		this.attempts++;
		Throwable previous = this.last;
		if (previous != null && previous != failure) {
			List<Throwable> earlier = this.earlier;
			if (earlier == null) {
				earlier = new ArrayList<>(4);
				this.earlier = earlier;
			}
			earlier.add(previous);
		}
		this.last = failure;
		if (!this.settings.policy().shouldRetry(failure)) {
			return giveUp("not retryable", failure);
		}
		BackOffExecution backOff = this.backOff;
		if (backOff == null) {
			backOff = this.settings.policy().getBackOff().start();
			this.backOff = backOff;
		}
		long delay = backOff.nextBackOff();
		if (delay == BackOffExecution.STOP) {
			return giveUp("attempts exhausted", failure);
		}
		long limit = this.settings.maxDurationNanos();
		if (limit > 0 && System.nanoTime() - this.startNanos + TimeUnit.MILLISECONDS.toNanos(delay) >= limit) {
			return giveUp("max-duration reached", failure);
		}
		this.stats.retried(this.settings.name(), this.attempts, failure, delay);
		if (logger.isDebugEnabled()) {
			logger.debug("async-utils: retry '" + this.settings.name() + "' attempt " + this.attempts + "/"
					+ this.settings.maxAttempts() + " failed (" + failure + "); retrying in " + delay + "ms");
		}
		return delay;
	}

	private long giveUp(String reason, Throwable failure) {
		boolean aborted = !this.settings.abortOn().isEmpty()
				&& new ExceptionTypeFilter(this.settings.abortOn(), null, false).match(failure, true);
		this.stats.gaveUp(this.attempts, aborted, failure);
		if (logger.isDebugEnabled()) {
			logger.debug("async-utils: retry '" + this.settings.name() + "' gives up after " + this.attempts
					+ " attempt(s), " + reason + ": " + failure);
		}
		return GIVE_UP;
	}

	/**
	 * Return the failure the caller gets: the last one, carrying the earlier ones as
	 * suppressed exceptions.
	 * @return the last failure
	 */
	Throwable finalFailure() {
		Throwable last = this.last;
		if (last == null) {
			throw new IllegalStateException("No failure recorded");
		}
		List<Throwable> earlier = this.earlier;
		if (earlier != null) {
			for (Throwable failure : earlier) {
				Failures.suppress(last, failure);
			}
			earlier.clear();
		}
		return last;
	}

	/**
	 * Give up because the application is shutting down while a retry was due.
	 * @param reason the exception the caller gets, from
	 * {@link dev.asyncutils.core.AsyncUtilsScheduler#shuttingDown()}
	 * @return {@code reason}, carrying the failures so far as suppressed exceptions
	 */
	Throwable shutDown(RejectedExecutionException reason) {
		this.stats.gaveUp(this.attempts, false, reason);
		if (logger.isDebugEnabled()) {
			logger.debug("async-utils: retry '" + this.settings.name() + "' stops: the application is shutting down");
		}
		Failures.suppress(reason, finalFailure());
		return reason;
	}

	/**
	 * Give up because the caller was interrupted while a retry was due.
	 * @return the failure the caller gets
	 */
	Throwable interrupted() {
		Throwable failure = finalFailure();
		this.stats.gaveUp(this.attempts, false, failure);
		if (logger.isDebugEnabled()) {
			logger.debug("async-utils: retry '" + this.settings.name() + "' stops: the caller was interrupted");
		}
		return failure;
	}

	/**
	 * Record that the call finally succeeded.
	 */
	void succeeded() {
		this.stats.succeeded(this.attempts);
	}

}
