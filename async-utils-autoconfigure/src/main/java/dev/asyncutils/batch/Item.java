package dev.asyncutils.batch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import org.springframework.util.backoff.BackOffExecution;

import dev.asyncutils.core.Failures;

/**
 * One item of a batch: how it is attempted and cancelled, when it is retried, and how its
 * single outcome is recorded. The state (the {@link AtomicInteger} this class extends, to
 * save an object per item) decides which thread ends the item; subclasses define its
 * values.
 *
 * <p>
 * Retries follow the run's Spring {@link org.springframework.util.backoff.BackOff} (the
 * one {@code @Retry} builds too: first wait, growth, cap, attempts), started at the
 * item's first failure, so an item that succeeds at once allocates nothing for retrying.
 *
 * @param <T> the item type
 * @param <R> the result type
 */
abstract class Item<T, R> extends AtomicInteger {

	private static final long serialVersionUID = 1L;

	private static final VarHandle IMMEDIATE_RETRIES;

	static {
		try {
			IMMEDIATE_RETRIES = MethodHandles.lookup().findVarHandle(Item.class, "immediateRetries", int.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	final transient BatchState<T, R> batch;

	final long index;

	final transient T item;

	int attempts;

	private transient @Nullable List<Throwable> earlier;

	private transient @Nullable BackOffExecution backOff;

	transient volatile @Nullable Future<?> pendingRetry;

	/** Immediate retries asked for and not yet started; see {@link #retryNow()}. */
	@SuppressWarnings("unused")
	private transient volatile int immediateRetries;

	Item(BatchState<T, R> batch, long index, T item) {
		this.batch = batch;
		this.index = index;
		this.item = item;
	}

	final BatchRun<T, R> batchRun() {
		return this.batch.run;
	}

	/**
	 * Start the next attempt, unless the item has ended or the run is cancelled.
	 */
	abstract void attempt();

	/**
	 * Stop the attempt in flight and end the item as cancelled, unless it has ended.
	 */
	abstract void cancel();

	/**
	 * End an item that is not running as cancelled, unless it has ended.
	 */
	abstract void finishCancelled();

	/**
	 * Decide what follows a failed attempt: the wait before the next one, or
	 * {@link BackOffExecution#STOP} when the attempts are used up or the run is
	 * cancelled. A retried failure is kept, to be attached to the final one.
	 * @param failure the attempt's failure
	 * @return the wait in milliseconds, or {@code STOP}
	 */
	final long nextRetry(Throwable failure) {
		BatchRun<T, R> run = batchRun();
		if (run.isCancelled()) {
			return BackOffExecution.STOP;
		}
		BackOffExecution backOff = this.backOff;
		if (backOff == null) {
			backOff = run.options().retryBackOff().start();
			this.backOff = backOff;
		}
		long delay = backOff.nextBackOff();
		if (delay != BackOffExecution.STOP) {
			remember(failure);
		}
		return delay;
	}

	/**
	 * Run {@link #attempt()} after {@code delayMillis}: at once (without recursing) when
	 * there is no wait, else on the run's scheduler.
	 * @param delayMillis the wait from {@link #nextRetry}
	 * @return {@code null} if the retry is under way, else why it could not be scheduled
	 */
	final @Nullable RuntimeException retryAfter(long delayMillis) {
		if (delayMillis <= 0) {
			retryNow();
			return null;
		}
		try {
			this.pendingRetry = batchRun().runtime()
				.scheduler()
				.schedule(this::attempt, delayMillis, TimeUnit.MILLISECONDS);
			return null;
		}
		catch (RuntimeException ex) {
			// rejected, or the scheduler failed
			return ex;
		}
	}

	/**
	 * Start the next attempt at once, without recursing: an attempt that fails
	 * synchronously asks for the next one from inside this loop, which runs it once the
	 * current one returned, so thousands of immediate retries never deepen the stack.
	 */
	private void retryNow() {
		if ((int) IMMEDIATE_RETRIES.getAndAdd(this, 1) != 0) {
			return;
		}
		do {
			attempt();
		}
		while ((int) IMMEDIATE_RETRIES.getAndAdd(this, -1) != 1);
	}

	/**
	 * Cancel a retry that waits for its delay.
	 */
	final void cancelPendingRetry() {
		Future<?> pendingRetry = this.pendingRetry;
		if (pendingRetry != null) {
			pendingRetry.cancel(false);
		}
	}

	private void remember(Throwable failure) {
		List<Throwable> earlier = this.earlier;
		if (earlier == null) {
			earlier = new ArrayList<>(2);
			this.earlier = earlier;
		}
		earlier.add(failure);
	}

	final ItemOutcome<T, R> successOutcome(@Nullable R value) {
		return ItemOutcome.success(this.index, this.item, value, this.attempts);
	}

	final ItemOutcome<T, R> failureOutcome(Throwable failure) {
		List<Throwable> earlier = this.earlier;
		if (earlier != null) {
			for (Throwable previous : earlier) {
				Failures.suppress(failure, previous);
			}
		}
		return ItemOutcome.failure(this.index, this.item, failure, this.attempts);
	}

	final ItemOutcome<T, R> cancelledOutcome() {
		CancellationException reason = batchRun().stopReason();
		return ItemOutcome.failure(this.index, this.item,
				(reason != null) ? reason : new CancellationException("cancelled"), this.attempts);
	}

	/**
	 * Record the outcome; called once, by the thread that won the item's final state
	 * change.
	 * @param outcome the outcome
	 */
	final void record(ItemOutcome<T, R> outcome) {
		BatchRun<T, R> run = batchRun();
		if (!outcome.isSuccess() && run.options().failFast() && !(outcome.error() instanceof CancellationException)) {
			run.stop(new CancellationException("not started: fail-fast after item " + this.index + " failed"));
		}
		this.batch.itemDone((int) (this.index - this.batch.firstItemIndex), outcome);
	}

}
