package dev.asyncutils.batch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

/**
 * One batch in flight: its items, their outcomes (one slot per item, in input order), how
 * many items are still unfinished, and when it may start ({@code delayBetweenBatches}).
 *
 * @param <T> the item type
 * @param <R> the result type
 */
final class BatchState<T, R> {

	private static final long NOT_STARTED = Long.MIN_VALUE;

	final BatchRun<T, R> run;

	final long index;

	final long firstItemIndex;

	private final List<Item<T, R>> items;

	private final ItemOutcome<T, R>[] outcomes;

	private final AtomicInteger remaining;

	/** Items that ended with a failure; read once the batch is complete. */
	private final AtomicInteger failures = new AtomicInteger();

	/** When the batch is planned to start, by {@link System#nanoTime()}. */
	long startAt;

	volatile @Nullable Future<?> timer;

	/** The batch whose actual start this one's pause counts from, if any. */
	volatile @Nullable BatchState<T, R> previous;

	private volatile long startedNanos = NOT_STARTED;

	private volatile boolean started;

	@SuppressWarnings("unchecked")
	BatchState(BatchRun<T, R> run, long index, long firstItemIndex, List<T> items) {
		this.run = run;
		this.index = index;
		this.firstItemIndex = firstItemIndex;
		this.items = new ArrayList<>(items.size());
		ItemWork.Blocking<T, R> direct = run.direct();
		for (int i = 0; i < items.size(); i++) {
			long itemIndex = firstItemIndex + i;
			this.items.add((direct != null) ? new DirectItem<>(this, itemIndex, items.get(i), direct)
					: new FutureItem<>(this, itemIndex, items.get(i)));
		}
		this.outcomes = (ItemOutcome<T, R>[]) new ItemOutcome<?, ?>[items.size()];
		this.remaining = new AtomicInteger(items.size());
	}

	/**
	 * Start the batch when it is due: now, or after {@code wait} on the scheduler.
	 * @param wait nanoseconds until it is due
	 */
	void launch(long wait) {
		if (wait <= 0) {
			start();
			return;
		}
		try {
			this.timer = this.run.runtime().scheduler().schedule(this::start, wait, TimeUnit.NANOSECONDS);
		}
		catch (RuntimeException ex) {
			// rejected (or the scheduler failed): start now rather than never
			start();
		}
	}

	void start() {
		// a batch whose start was delayed may find the run stopped meanwhile
		boolean stopped = this.run.isStopping();
		if (!stopped && notYet()) {
			return;
		}
		this.previous = null;
		this.started = true;
		for (Item<T, R> item : this.items) {
			if (stopped) {
				item.finishCancelled();
			}
			else {
				item.attempt();
			}
			if (this.startedNanos == NOT_STARTED) {
				// stamped once the first item is under way, so that the next batch's
				// pause is at least the delay as the items themselves see it
				this.startedNanos = System.nanoTime();
			}
		}
	}

	/**
	 * Put the start off when the previous batch started less than
	 * {@code delayBetweenBatches} ago (or has not started yet).
	 * @return {@code true} if the start was rescheduled
	 */
	private boolean notYet() {
		BatchState<T, R> previous = this.previous;
		if (previous == null) {
			return false;
		}
		long delay = this.run.delayBetweenBatchesNanos();
		long stamp = previous.startedNanos;
		// delay - (now - stamp): both terms fit, and so does their difference
		long wait = (stamp != NOT_STARTED) ? delay - (System.nanoTime() - stamp) : delay;
		if (wait <= 0) {
			return false;
		}
		try {
			this.timer = this.run.runtime().scheduler().schedule(this::start, wait, TimeUnit.NANOSECONDS);
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	void cancelItems() {
		Future<?> timer = this.timer;
		if (timer != null && !this.started && timer.cancel(false)) {
			for (Item<T, R> item : this.items) {
				item.finishCancelled();
			}
			return;
		}
		for (Item<T, R> item : this.items) {
			item.cancel();
		}
	}

	/**
	 * Record an item's outcome; called exactly once per item, by the thread that ended
	 * it. The last item completes the batch: the slot writes and failure counts of every
	 * item happen before the final decrement.
	 */
	void itemDone(int slot, ItemOutcome<T, R> outcome) {
		this.outcomes[slot] = outcome;
		if (!outcome.isSuccess()) {
			this.failures.incrementAndGet();
		}
		if (this.remaining.decrementAndGet() == 0) {
			this.run.batchCompleted(this);
		}
	}

	int size() {
		return this.outcomes.length;
	}

	/**
	 * Return how many items failed; meaningful once the batch is complete.
	 * @return the failures
	 */
	int failures() {
		return this.failures.get();
	}

	Batch<T, R> toBatch() {
		for (int i = 0; i < this.outcomes.length; i++) {
			if (this.outcomes[i] == null) {
				throw new IllegalStateException("Item " + (this.firstItemIndex + i) + " has no outcome");
			}
		}
		return new Batch<>(this.index, Arrays.asList(this.outcomes));
	}

}
