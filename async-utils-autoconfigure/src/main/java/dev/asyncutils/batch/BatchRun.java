package dev.asyncutils.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * One run of the {@link BatchProcessor}: pulls items lazily from the source, cuts them
 * into ordered batches, keeps at most {@code maxConcurrent} batches in flight, and
 * completes once every batch was delivered. Each batch ({@link BatchState}) runs its
 * items ({@link DirectItem}, {@link FutureItem}) at once; {@link BatchDelivery} hands
 * completed batches over in batch order.
 *
 * <p>
 * A batch counts as in flight from its start until it has been delivered, so a slow first
 * batch holds back the start of new ones: memory is bounded by {@code maxConcurrent}
 * batches whatever the length of the source.
 *
 * <p>
 * Invariants: every pulled item ends with exactly one outcome (the item's state moves
 * once from running to done); every batch is delivered exactly once, in order; the run
 * completes once, after the last delivery, whatever fails on the way.
 *
 * @param <T> the item type
 * @param <R> the result type
 */
final class BatchRun<T, R> {

	/**
	 * Longest wait the run plans with (about 73 years, as the core deadline timer): the
	 * sum of several planned starts stays within {@link System#nanoTime()} arithmetic.
	 */
	private static final long MAX_WAIT_NANOS = Long.MAX_VALUE >> 2;

	private final BatchOptions options;

	private final ItemWork<T, R> work;

	/** Blocking work run by the items themselves, when there is no item timeout. */
	private final ItemWork.@Nullable Blocking<T, R> direct;

	private final long itemTimeoutNanos;

	private final long delayBetweenBatchesNanos;

	private final Iterator<? extends T> source;

	private final boolean drainOnStop;

	private final BatchRuntime runtime;

	private final BatchProgress progress;

	private final BatchDelivery<T, R> delivery;

	private final CompletableFuture<Void> done = new CompletableFuture<>();

	private final long startNanos = System.nanoTime();

	private final ReentrantLock lock = new ReentrantLock();

	private final Set<BatchState<T, R>> running = ConcurrentHashMap.newKeySet();

	private final AtomicLong succeeded = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final AtomicInteger pumping = new AtomicInteger();

	private long nextBatchIndex;

	private long nextItemIndex;

	private int inFlight;

	private boolean exhausted;

	private long lastStartNanos;

	private @Nullable BatchState<T, R> lastBatch;

	private boolean finishing;

	private @Nullable Throwable sourceFailure;

	/** No new batch starts (fail-fast, cancellation or abort). */
	private volatile boolean stopping;

	/** Items in flight are cancelled too (cancellation or abort). */
	private volatile boolean cancelled;

	private volatile @Nullable CancellationException stopReason;

	private volatile @Nullable Throwable abort;

	BatchRun(BatchOptions options, BatchRuntime runtime, ItemWork<T, R> work, Iterator<? extends T> source, long total,
			Consumer<Batch<T, R>> sink, boolean drainOnStop) {
		this.options = options;
		this.runtime = runtime;
		this.work = work;
		Duration itemTimeout = options.itemTimeout();
		this.direct = (work instanceof ItemWork.Blocking<T, R> blocking && itemTimeout == null) ? blocking : null;
		this.itemTimeoutNanos = (itemTimeout != null) ? itemTimeout.toNanos() : 0;
		this.delayBetweenBatchesNanos = Math.min(options.delayBetweenBatches().toNanos(), MAX_WAIT_NANOS);
		this.source = source;
		this.drainOnStop = drainOnStop;
		this.progress = new BatchProgress(total, this.startNanos);
		this.delivery = new BatchDelivery<>(this, sink, this.progress);
	}

	/**
	 * Return the future that completes once every batch was delivered; it fails with the
	 * exception of a failing callback, sink or source.
	 * @return the completion of the run
	 */
	CompletableFuture<Void> done() {
		return this.done;
	}

	BatchProgress progress() {
		return this.progress;
	}

	long succeeded() {
		return this.succeeded.get();
	}

	long failed() {
		return this.failed.get();
	}

	long batchesDelivered() {
		return this.delivery.delivered();
	}

	long elapsedNanos() {
		return System.nanoTime() - this.startNanos;
	}

	BatchOptions options() {
		return this.options;
	}

	BatchRuntime runtime() {
		return this.runtime;
	}

	ItemWork<T, R> work() {
		return this.work;
	}

	ItemWork.@Nullable Blocking<T, R> direct() {
		return this.direct;
	}

	long itemTimeoutNanos() {
		return this.itemTimeoutNanos;
	}

	long delayBetweenBatchesNanos() {
		return this.delayBetweenBatchesNanos;
	}

	boolean isStopping() {
		return this.stopping;
	}

	boolean isCancelled() {
		return this.cancelled;
	}

	@Nullable CancellationException stopReason() {
		return this.stopReason;
	}

	@Nullable Throwable abortCause() {
		return this.abort;
	}

	/**
	 * Start the first batches.
	 */
	void start() {
		this.runtime.register(this);
		this.done.whenComplete((ignored, failure) -> {
			this.runtime.unregister(this);
			this.runtime.runDone(elapsedNanos());
		});
		pump();
	}

	/**
	 * Stop starting items, cancel the ones in flight and end every unfinished item with a
	 * {@link CancellationException}. Returns at once; the run completes shortly after.
	 * @param reason why the run is cancelled
	 */
	void cancel(String reason) {
		stop(new CancellationException(reason));
		this.cancelled = true;
		for (BatchState<T, R> batch : this.running) {
			batch.cancelItems();
		}
		finishIfDone();
	}

	/**
	 * Start no new batch.
	 * @param reason the outcome of the items never started
	 */
	void stop(CancellationException reason) {
		if (this.stopReason == null) {
			this.stopReason = reason;
		}
		this.stopping = true;
	}

	/**
	 * End the run with a failure: the items in flight are cancelled, and the run's future
	 * fails with the first such failure.
	 * @param failure the failure
	 */
	void abort(Throwable failure) {
		if (this.abort == null) {
			this.abort = failure;
		}
		cancel("the run was aborted: " + failure);
	}

	/**
	 * Start as many batches as the limits allow. Driven by a work counter so that only
	 * one thread pulls from the source at a time and completions never recurse.
	 */
	private void pump() {
		if (this.pumping.getAndIncrement() != 0) {
			return;
		}
		do {
			try {
				while (true) {
					BatchState<T, R> batch = nextBatch();
					if (batch == null) {
						break;
					}
					batch.launch(batch.startAt - System.nanoTime());
				}
				Throwable sourceFailure = takeSourceFailure();
				if (sourceFailure != null) {
					abort(sourceFailure);
				}
			}
			catch (Throwable ex) {
				// never leave the run half-started: whatever failed ends it, and every
				// item
				// pulled so far still gets its outcome
				abort(ex);
			}
		}
		while (this.pumping.decrementAndGet() != 0);
		finishIfDone();
	}

	private @Nullable BatchState<T, R> nextBatch() {
		this.lock.lock();
		try {
			if (this.stopping || this.exhausted || this.inFlight >= this.options.maxConcurrent()) {
				return null;
			}
			List<T> items = new ArrayList<>(Math.min(this.options.batchSize(), 1024));
			try {
				while (items.size() < this.options.batchSize() && this.source.hasNext()) {
					items.add(this.source.next());
				}
			}
			catch (Throwable ex) {
				this.exhausted = true;
				this.sourceFailure = ex;
				return null;
			}
			if (items.isEmpty()) {
				this.exhausted = true;
				return null;
			}
			BatchState<T, R> batch = new BatchState<>(this, this.nextBatchIndex++, this.nextItemIndex, items);
			this.nextItemIndex += items.size();
			this.inFlight++;
			long now = System.nanoTime();
			long delay = this.delayBetweenBatchesNanos;
			if (batch.index == 0 || delay == 0) {
				batch.startAt = now;
			}
			else {
				// planned after the previous planned start (or now, if that passed),
				// capped
				// so that no sum of waits overflows
				long after = Math.max(this.lastStartNanos - now, 0);
				batch.startAt = now + Math.min(after + delay, MAX_WAIT_NANOS);
			}
			this.lastStartNanos = batch.startAt;
			if (delay > 0) {
				// the pause counts from the previous batch's actual start, which a busy
				// scheduler may make later than planned
				batch.previous = this.lastBatch;
				this.lastBatch = batch;
			}
			this.running.add(batch);
			return batch;
		}
		finally {
			this.lock.unlock();
		}
	}

	private @Nullable Throwable takeSourceFailure() {
		this.lock.lock();
		try {
			Throwable failure = this.sourceFailure;
			this.sourceFailure = null;
			return failure;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Count a batch whose last item ended, deliver what is due and start what may start.
	 * @param batch the batch
	 */
	void batchCompleted(BatchState<T, R> batch) {
		int failures = batch.failures();
		int successes = batch.size() - failures;
		this.succeeded.addAndGet(successes);
		this.failed.addAndGet(failures);
		this.runtime.itemsDone(successes, failures);
		this.running.remove(batch);
		this.delivery.completed(batch);
		pump();
	}

	/**
	 * A batch was handed over: it no longer counts as in flight.
	 */
	void delivered() {
		this.lock.lock();
		try {
			this.inFlight--;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Count items ended without being started.
	 * @param count the items
	 */
	void unstartedFailed(int count) {
		this.failed.addAndGet(count);
		this.runtime.itemsDone(0, count);
	}

	private void finishIfDone() {
		boolean drain;
		this.lock.lock();
		try {
			if (this.finishing || this.inFlight > 0 || !(this.exhausted || this.stopping) || this.pumping.get() != 0) {
				return;
			}
			this.finishing = true;
			drain = this.drainOnStop && !this.exhausted && this.abort == null;
			this.exhausted = true;
		}
		finally {
			this.lock.unlock();
		}
		if (drain) {
			CancellationException reason = this.stopReason;
			Throwable failure = this.delivery.drainUnstarted(this.source, this.nextBatchIndex, this.nextItemIndex,
					this.options.batchSize(),
					(reason != null) ? reason : new CancellationException("not started: the run stopped"));
			if (failure != null && this.abort == null) {
				this.abort = failure;
			}
		}
		Throwable abort = this.abort;
		if (abort != null) {
			this.done.completeExceptionally(abort);
		}
		else {
			this.done.complete(null);
		}
	}

}
