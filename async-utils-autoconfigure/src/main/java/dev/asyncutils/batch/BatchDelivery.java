package dev.asyncutils.batch;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * Hands a run's completed batches to its sink ({@code onBatchComplete}, the collecting
 * list, the {@code stream} consumer) exactly once each, in batch order, one thread at a
 * time, whatever order they complete in; and, once a stopped run is over, ends the items
 * it never pulled with the stop reason, delivered the same way.
 *
 * @param <T> the item type
 * @param <R> the result type
 */
final class BatchDelivery<T, R> {

	private final BatchRun<T, R> run;

	private final Consumer<Batch<T, R>> sink;

	private final BatchProgress progress;

	private final ReentrantLock lock = new ReentrantLock();

	private final TreeMap<Long, BatchState<T, R>> completed = new TreeMap<>();

	private long nextToDeliver;

	private boolean delivering;

	BatchDelivery(BatchRun<T, R> run, Consumer<Batch<T, R>> sink, BatchProgress progress) {
		this.run = run;
		this.sink = sink;
		this.progress = progress;
	}

	/**
	 * Return the number of batches handed over (or skipped after an abort).
	 * @return the batches delivered
	 */
	long delivered() {
		this.lock.lock();
		try {
			return this.nextToDeliver;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Take a completed batch and deliver every batch that is next in order.
	 * @param batch the batch whose last item ended
	 */
	void completed(BatchState<T, R> batch) {
		this.lock.lock();
		try {
			this.completed.put(batch.index, batch);
		}
		finally {
			this.lock.unlock();
		}
		deliver();
	}

	private void deliver() {
		while (true) {
			BatchState<T, R> next;
			this.lock.lock();
			try {
				if (this.delivering) {
					return;
				}
				next = this.completed.remove(this.nextToDeliver);
				if (next == null) {
					return;
				}
				this.delivering = true;
			}
			finally {
				this.lock.unlock();
			}
			try {
				Batch<T, R> batch = next.toBatch();
				if (this.run.abortCause() == null) {
					this.progress.batchDone(batch);
					this.sink.accept(batch);
				}
			}
			catch (Throwable ex) {
				this.run.abort(ex);
			}
			finally {
				this.lock.lock();
				try {
					this.nextToDeliver++;
					this.delivering = false;
				}
				finally {
					this.lock.unlock();
				}
				this.run.delivered();
			}
		}
	}

	/**
	 * End every item the run never pulled with the stop reason, delivered as batches in
	 * order like the others. Called once, after the last batch in flight was delivered.
	 * @param source the rest of the items
	 * @param batchIndex the index of the first batch to deliver
	 * @param itemIndex the index of the first item not pulled
	 * @param batchSize items per batch
	 * @param reason the outcome of every such item
	 * @return the first failure of the source or the sink, {@code null} if none
	 */
	@Nullable Throwable drainUnstarted(Iterator<? extends T> source, long batchIndex, long itemIndex, int batchSize,
			CancellationException reason) {
		Throwable failure = this.run.abortCause();
		long nextBatch = batchIndex;
		long nextItem = itemIndex;
		List<ItemOutcome<T, R>> outcomes = new ArrayList<>();
		try {
			while (source.hasNext()) {
				outcomes.add(ItemOutcome.failure(nextItem++, source.next(), reason, 0));
				if (outcomes.size() == batchSize) {
					failure = deliverUnstarted(new Batch<>(nextBatch++, outcomes), failure);
					outcomes = new ArrayList<>();
				}
			}
		}
		catch (Throwable ex) {
			if (failure == null) {
				failure = ex;
			}
		}
		if (!outcomes.isEmpty()) {
			failure = deliverUnstarted(new Batch<>(nextBatch, outcomes), failure);
		}
		return failure;
	}

	private @Nullable Throwable deliverUnstarted(Batch<T, R> batch, @Nullable Throwable failure) {
		this.run.unstartedFailed(batch.outcomes().size());
		this.lock.lock();
		try {
			this.nextToDeliver++;
		}
		finally {
			this.lock.unlock();
		}
		if (failure != null) {
			return failure;
		}
		try {
			this.progress.batchDone(batch);
			this.sink.accept(batch);
			return null;
		}
		catch (Throwable ex) {
			return ex;
		}
	}

}
