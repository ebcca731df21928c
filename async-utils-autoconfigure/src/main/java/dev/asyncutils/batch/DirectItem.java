package dev.asyncutils.batch;

import org.jspecify.annotations.Nullable;

import org.springframework.util.backoff.BackOffExecution;

import dev.asyncutils.core.Failures;

/**
 * An item of blocking work without an item timeout: the item itself is the task on the
 * executor and calls the function directly, with no future or callback per attempt. The
 * state moves PENDING (queued, or waiting for a retry) to RUNNING (a thread is in the
 * function) and back, and once to DONE. Whoever moves it to DONE records the outcome. A
 * canceller that finds it RUNNING moves it to INTERRUPTING, interrupts the thread, then
 * sets DONE; the worker waits for that before clearing its interrupt flag, so the
 * interrupt never reaches the thread's next task.
 *
 * @param <T> the item type
 * @param <R> the result type
 */
final class DirectItem<T, R> extends Item<T, R> implements Runnable, InterruptHandshake.Worker {

	private static final long serialVersionUID = 1L;

	private static final int PENDING = 0;

	private static final int RUNNING = 1;

	private static final int INTERRUPTING = 2;

	private static final int DONE = 3;

	private final transient ItemWork.Blocking<T, R> work;

	/**
	 * The thread in the function. Plain: written before the CAS to RUNNING and cleared
	 * before the CAS out of it, which publish it to a canceller that reads it after its
	 * own CAS; a stale read costs at most an interrupt the worker clears.
	 */
	private transient @Nullable Thread runner;

	DirectItem(BatchState<T, R> batch, long index, T item, ItemWork.Blocking<T, R> work) {
		super(batch, index, item);
		this.work = work;
	}

	@Override
	void attempt() {
		if (get() != PENDING) {
			return;
		}
		if (batchRun().isCancelled()) {
			finishCancelled();
			return;
		}
		this.attempts++;
		try {
			this.work.executor().execute(this);
		}
		catch (Throwable ex) {
			// rejected, or the executor failed: no thread will run it, so this thread
			// settles the attempt with that failure
			if (compareAndSet(PENDING, RUNNING)) {
				settle(null, ex, false);
			}
		}
	}

	@Override
	public void run() {
		this.runner = Thread.currentThread();
		if (!compareAndSet(PENDING, RUNNING)) {
			// ended (cancelled) while queued
			this.runner = null;
			return;
		}
		R value = null;
		Throwable failure = null;
		try {
			value = this.work.fn().apply(this.item);
		}
		catch (Throwable ex) {
			failure = ex;
		}
		this.runner = null;
		settle(value, failure, true);
	}

	/**
	 * End the attempt; the caller holds RUNNING.
	 */
	private void settle(@Nullable R value, @Nullable Throwable failure, boolean onWorker) {
		if (failure == null) {
			if (compareAndSet(RUNNING, DONE)) {
				record(successOutcome(value));
				return;
			}
		}
		else {
			long delay = nextRetry(failure);
			if (delay == BackOffExecution.STOP) {
				if (compareAndSet(RUNNING, DONE)) {
					record(failureOutcome(failure));
					return;
				}
			}
			else if (compareAndSet(RUNNING, PENDING)) {
				RuntimeException notScheduled = retryAfter(delay);
				if (notScheduled != null) {
					Failures.suppress(failure, notScheduled);
					if (compareAndSet(PENDING, DONE)) {
						record(failureOutcome(failure));
					}
				}
				return;
			}
		}
		// a canceller ended the item during the attempt
		if (onWorker) {
			InterruptHandshake.clearDelivered(this, INTERRUPTING);
		}
	}

	@Override
	void cancel() {
		cancelPendingRetry();
		while (true) {
			int state = get();
			if (state == PENDING) {
				if (compareAndSet(PENDING, DONE)) {
					record(cancelledOutcome());
					return;
				}
			}
			else if (state == RUNNING) {
				if (InterruptHandshake.interrupt(this, RUNNING, INTERRUPTING, DONE, this)) {
					record(cancelledOutcome());
					return;
				}
			}
			else {
				return;
			}
		}
	}

	@Override
	public @Nullable Thread thread() {
		return this.runner;
	}

	@Override
	void finishCancelled() {
		cancel();
	}

}
