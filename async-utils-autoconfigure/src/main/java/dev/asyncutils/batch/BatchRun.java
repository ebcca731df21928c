package dev.asyncutils.batch;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.core.Failures;

/**
 * One run of the {@link BatchProcessor}: pulls items lazily from the source, cuts them
 * into ordered batches, keeps at most {@code maxConcurrent} batches in flight, runs every
 * item of a started batch at once, and delivers completed batches in batch order.
 *
 * <p>
 * A batch counts as in flight from its start until it has been delivered, so a slow first
 * batch holds back the start of new ones: memory is bounded by {@code maxConcurrent}
 * batches whatever the length of the source.
 *
 * <p>
 * Invariants: every pulled item ends with exactly one outcome (the item's state moves
 * once from running to done); every batch is delivered exactly once, in order; the run
 * completes once, after the last delivery.
 *
 * @param <T> the item type
 * @param <R> the result type
 */
final class BatchRun<T, R> {

	static final String ITEM_TIMEOUT_NAME = "BatchProcessor.item";

	private static final long NOT_STARTED = Long.MIN_VALUE;

	private final BatchOptions options;

	private final ItemWork<T, R> work;

	/** Blocking work run by the items themselves, when there is no item timeout. */
	private final ItemWork.@Nullable Blocking<T, R> direct;

	private final Iterator<? extends T> source;

	private final Consumer<Batch<T, R>> sink;

	private final boolean drainOnStop;

	private final Runtime runtime;

	private final BatchProgress progress;

	private final CompletableFuture<Void> done = new CompletableFuture<>();

	private final long startNanos = System.nanoTime();

	private final ReentrantLock lock = new ReentrantLock();

	private final TreeMap<Long, BatchState> completed = new TreeMap<>();

	private final Set<BatchState> running = ConcurrentHashMap.newKeySet();

	private final AtomicLong succeeded = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final AtomicInteger pumping = new AtomicInteger();

	private long nextBatchIndex;

	private long nextItemIndex;

	private long nextToDeliver;

	private int inFlight;

	private boolean exhausted;

	private boolean delivering;

	private long lastStartNanos;

	private @Nullable BatchState lastBatch;

	private boolean finishing;

	private @Nullable Throwable sourceFailure;

	/** No new batch starts (fail-fast, cancellation or abort). */
	private volatile boolean stopping;

	/** Items in flight are cancelled too (cancellation or abort). */
	private volatile boolean cancelled;

	private volatile @Nullable CancellationException stopReason;

	private volatile @Nullable Throwable abort;

	BatchRun(BatchOptions options, Runtime runtime, ItemWork<T, R> work, Iterator<? extends T> source, long total,
			Consumer<Batch<T, R>> sink, boolean drainOnStop) {
		this.options = options;
		this.runtime = runtime;
		this.work = work;
		this.direct = (work instanceof ItemWork.Blocking<T, R> blocking && options.itemTimeout() == null) ? blocking
				: null;
		this.source = source;
		this.sink = sink;
		this.drainOnStop = drainOnStop;
		this.progress = new BatchProgress(total, this.startNanos);
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
		return this.nextToDeliver;
	}

	long elapsedNanos() {
		return System.nanoTime() - this.startNanos;
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
		for (BatchState batch : this.running) {
			batch.cancelItems();
		}
		finishIfDone();
	}

	private void stop(CancellationException reason) {
		if (this.stopReason == null) {
			this.stopReason = reason;
		}
		this.stopping = true;
	}

	private void abort(Throwable failure) {
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
					BatchState batch = nextBatch();
					if (batch == null) {
						break;
					}
					launch(batch);
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

	private @Nullable BatchState nextBatch() {
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
			BatchState batch = new BatchState(this.nextBatchIndex++, this.nextItemIndex, items);
			this.nextItemIndex += items.size();
			this.inFlight++;
			long now = System.nanoTime();
			long delay = this.options.delayBetweenBatches().toNanos();
			if (batch.index == 0 || delay == 0) {
				batch.startAt = now;
			}
			else {
				batch.startAt = Math.max(now, this.lastStartNanos) + delay;
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

	private void launch(BatchState batch) {
		long wait = batch.startAt - System.nanoTime();
		if (wait <= 0) {
			batch.start();
			return;
		}
		try {
			batch.timer = this.runtime.scheduler().schedule(batch::start, wait, TimeUnit.NANOSECONDS);
		}
		catch (RuntimeException ex) {
			// rejected (or the scheduler failed): start now rather than never
			batch.start();
		}
	}

	private void batchCompleted(BatchState batch) {
		int failures = batch.failures.get();
		int successes = batch.outcomes.length - failures;
		this.succeeded.addAndGet(successes);
		this.failed.addAndGet(failures);
		this.runtime.itemsDone(successes, failures);
		this.running.remove(batch);
		this.lock.lock();
		try {
			this.completed.put(batch.index, batch);
		}
		finally {
			this.lock.unlock();
		}
		deliver();
		pump();
	}

	/**
	 * Hand completed batches to the sink in batch order, one thread at a time.
	 */
	private void deliver() {
		while (true) {
			BatchState next;
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
			Batch<T, R> batch = next.toBatch();
			try {
				if (this.abort == null) {
					this.progress.batchDone(batch);
					this.sink.accept(batch);
				}
			}
			catch (Throwable ex) {
				abort(ex);
			}
			finally {
				this.lock.lock();
				try {
					this.nextToDeliver++;
					this.inFlight--;
					this.delivering = false;
				}
				finally {
					this.lock.unlock();
				}
			}
		}
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
			drainUnstarted();
		}
		Throwable abort = this.abort;
		if (abort != null) {
			this.done.completeExceptionally(abort);
		}
		else {
			this.done.complete(null);
		}
	}

	/**
	 * End every item the run never pulled with the stop reason, delivered as batches in
	 * order like the others.
	 */
	private void drainUnstarted() {
		CancellationException reason = this.stopReason;
		if (reason == null) {
			reason = new CancellationException("not started: the run stopped");
		}
		List<ItemOutcome<T, R>> outcomes = new ArrayList<>();
		try {
			while (this.source.hasNext()) {
				outcomes.add(ItemOutcome.failure(this.nextItemIndex++, this.source.next(), reason, 0));
				if (outcomes.size() == this.options.batchSize()) {
					deliverUnstarted(outcomes);
					outcomes = new ArrayList<>();
				}
			}
		}
		catch (Throwable ex) {
			if (this.abort == null) {
				this.abort = ex;
			}
		}
		if (!outcomes.isEmpty()) {
			deliverUnstarted(outcomes);
		}
	}

	private void deliverUnstarted(List<ItemOutcome<T, R>> outcomes) {
		this.failed.addAndGet(outcomes.size());
		this.runtime.itemsDone(0, outcomes.size());
		Batch<T, R> batch = new Batch<>(this.nextBatchIndex++, outcomes);
		this.nextToDeliver++;
		if (this.abort != null) {
			return;
		}
		try {
			this.progress.batchDone(batch);
			this.sink.accept(batch);
		}
		catch (Throwable ex) {
			this.abort = ex;
		}
	}

	/**
	 * One batch in flight: its items, their outcomes (one slot per item, in input order)
	 * and how many items are still unfinished.
	 */
	private final class BatchState {

		final long index;

		final long firstItemIndex;

		final List<Item> items;

		final ItemOutcome<T, R>[] outcomes;

		final AtomicInteger remaining;

		/** Items that ended with a failure; read once the batch is complete. */
		final AtomicInteger failures = new AtomicInteger();

		long startAt;

		volatile @Nullable Future<?> timer;

		volatile @Nullable BatchState previous;

		private volatile long startedNanos = NOT_STARTED;

		private volatile boolean started;

		@SuppressWarnings("unchecked")
		BatchState(long index, long firstItemIndex, List<T> items) {
			this.index = index;
			this.firstItemIndex = firstItemIndex;
			this.items = new ArrayList<>(items.size());
			boolean direct = BatchRun.this.direct != null;
			for (int i = 0; i < items.size(); i++) {
				long itemIndex = firstItemIndex + i;
				this.items.add(direct ? new DirectItem(this, itemIndex, items.get(i))
						: new ItemRun(this, itemIndex, items.get(i)));
			}
			this.outcomes = (ItemOutcome<T, R>[]) new ItemOutcome<?, ?>[items.size()];
			this.remaining = new AtomicInteger(items.size());
		}

		void start() {
			// a batch whose start was delayed may find the run stopped meanwhile
			boolean stopped = BatchRun.this.stopping;
			if (!stopped && notYet()) {
				return;
			}
			this.previous = null;
			this.started = true;
			for (Item item : this.items) {
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
			BatchState previous = this.previous;
			if (previous == null) {
				return false;
			}
			long delay = BatchRun.this.options.delayBetweenBatches().toNanos();
			long stamp = previous.startedNanos;
			long wait = (stamp != NOT_STARTED) ? stamp + delay - System.nanoTime() : delay;
			if (wait <= 0) {
				return false;
			}
			try {
				this.timer = BatchRun.this.runtime.scheduler().schedule(this::start, wait, TimeUnit.NANOSECONDS);
				return true;
			}
			catch (RuntimeException ex) {
				return false;
			}
		}

		void cancelItems() {
			Future<?> timer = this.timer;
			if (timer != null && !this.started && timer.cancel(false)) {
				for (Item item : this.items) {
					item.finishCancelled();
				}
				return;
			}
			for (Item item : this.items) {
				item.cancel();
			}
		}

		/**
		 * Record an item's outcome; called exactly once per item, by the thread that
		 * ended it. The last item completes the batch: the slot writes and failure counts
		 * of every item happen before the final decrement.
		 */
		void itemDone(int slot, ItemOutcome<T, R> outcome) {
			this.outcomes[slot] = outcome;
			if (!outcome.isSuccess()) {
				this.failures.incrementAndGet();
			}
			if (this.remaining.decrementAndGet() == 0) {
				batchCompleted(this);
			}
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

	/**
	 * One item of a batch: how it is attempted, cancelled and how its single outcome is
	 * recorded. The state (the {@link AtomicInteger}) decides which thread ends the item.
	 */
	private abstract class Item extends AtomicInteger {

		private static final long serialVersionUID = 1L;

		private static final VarHandle IMMEDIATE_RETRIES;

		static {
			try {
				IMMEDIATE_RETRIES = MethodHandles.lookup()
					.findVarHandle(BatchRun.Item.class, "immediateRetries", int.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		final transient BatchState batch;

		final long index;

		final transient T item;

		int attempts;

		transient @Nullable List<Throwable> earlier;

		transient volatile @Nullable Future<?> pendingRetry;

		/** Immediate retries asked for and not yet started; see {@link #retryNow()}. */
		@SuppressWarnings("unused")
		private transient volatile int immediateRetries;

		Item(BatchState batch, long index, T item) {
			this.batch = batch;
			this.index = index;
			this.item = item;
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
		 * Start the next attempt at once, without recursing: an attempt that fails
		 * synchronously asks for the next one from inside this loop, which runs it once
		 * the current one returned, so thousands of immediate retries never deepen the
		 * stack.
		 */
		final void retryNow() {
			if ((int) IMMEDIATE_RETRIES.getAndAdd(this, 1) != 0) {
				return;
			}
			do {
				attempt();
			}
			while ((int) IMMEDIATE_RETRIES.getAndAdd(this, -1) != 1);
		}

		final void remember(Throwable failure) {
			List<Throwable> earlier = this.earlier;
			if (earlier == null) {
				earlier = new ArrayList<>(2);
				this.earlier = earlier;
			}
			earlier.add(failure);
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
			CancellationException reason = BatchRun.this.stopReason;
			return ItemOutcome.failure(this.index, this.item,
					(reason != null) ? reason : new CancellationException("cancelled"), this.attempts);
		}

		/**
		 * Record the outcome; called once, by the thread that won the item's final state
		 * change.
		 */
		final void record(ItemOutcome<T, R> outcome) {
			if (!outcome.isSuccess() && BatchRun.this.options.failFast()
					&& !(outcome.error() instanceof CancellationException)) {
				stop(new CancellationException("not started: fail-fast after item " + this.index + " failed"));
			}
			this.batch.itemDone((int) (this.index - this.batch.firstItemIndex), outcome);
		}

	}

	/**
	 * An item whose attempts are {@link ItemWork.Attempt}s: asynchronous work, or
	 * blocking work with an item timeout. Each attempt's result future (or its deadline)
	 * decides.
	 */
	private final class ItemRun extends Item {

		private static final long serialVersionUID = 1L;

		private static final int RUNNING = 0;

		private static final int DONE = 1;

		private transient volatile ItemWork.@Nullable Attempt<R> current;

		ItemRun(BatchState batch, long index, T item) {
			super(batch, index, item);
		}

		@Override
		void attempt() {
			if (get() != RUNNING) {
				return;
			}
			if (BatchRun.this.cancelled) {
				finishCancelled();
				return;
			}
			this.attempts++;
			ItemWork.Attempt<R> attempt = BatchRun.this.work.start(this.item);
			this.current = attempt;
			if (get() != RUNNING) {
				attempt.cancel();
				return;
			}
			// the attempt's result or its deadline, whichever comes first, decides
			AtomicBoolean settled = new AtomicBoolean();
			Future<?> timeout = watch(attempt, settled);
			attempt.result().whenComplete((value, failure) -> {
				if (!settled.compareAndSet(false, true)) {
					return;
				}
				if (timeout != null) {
					timeout.cancel(false);
				}
				if (failure == null) {
					finish(ItemOutcome.success(this.index, this.item, value, this.attempts));
				}
				else {
					failed(Failures.unwrap(failure));
				}
			});
		}

		private @Nullable Future<?> watch(ItemWork.Attempt<R> attempt, AtomicBoolean settled) {
			Duration itemTimeout = BatchRun.this.options.itemTimeout();
			if (itemTimeout == null) {
				return null;
			}
			try {
				return BatchRun.this.runtime.scheduler().schedule(() -> {
					if (settled.compareAndSet(false, true)) {
						// stop the attempt (interrupt it, cancel its stage) before its
						// outcome is recorded or a retry starts
						attempt.cancel();
						failed(new TimeoutExceededException(ITEM_TIMEOUT_NAME, itemTimeout));
					}
				}, itemTimeout.toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (RuntimeException ex) {
				return null;
			}
		}

		private void failed(Throwable failure) {
			if (get() != RUNNING) {
				return;
			}
			if (this.attempts < BatchRun.this.options.maxAttempts() && !BatchRun.this.cancelled) {
				remember(failure);
				long delay = BatchRun.this.options.retryDelayNanos(this.attempts);
				if (delay <= 0) {
					retryNow();
					return;
				}
				try {
					this.pendingRetry = BatchRun.this.runtime.scheduler()
						.schedule(this::attempt, delay, TimeUnit.NANOSECONDS);
					return;
				}
				catch (RuntimeException ex) {
					// rejected, or the scheduler failed: the item ends with its failure
					Failures.suppress(failure, ex);
				}
			}
			finish(failureOutcome(failure));
		}

		@Override
		void cancel() {
			Future<?> pendingRetry = this.pendingRetry;
			if (pendingRetry != null) {
				pendingRetry.cancel(false);
			}
			ItemWork.Attempt<R> attempt = this.current;
			if (attempt != null) {
				attempt.cancel();
			}
			finishCancelled();
		}

		@Override
		void finishCancelled() {
			if (get() == RUNNING) {
				finish(cancelledOutcome());
			}
		}

		private void finish(ItemOutcome<T, R> outcome) {
			if (compareAndSet(RUNNING, DONE)) {
				record(outcome);
			}
		}

	}

	/**
	 * An item of blocking work without an item timeout: the item itself is the task on
	 * the executor and calls the function directly, with no future or callback per
	 * attempt. The state moves PENDING (queued, or waiting for a retry) to RUNNING (a
	 * thread is in the function) and back, and once to DONE. Whoever moves it to DONE
	 * records the outcome. A canceller that finds it RUNNING moves it to INTERRUPTING,
	 * interrupts the thread, then sets DONE; the worker waits for that before clearing
	 * its interrupt flag, so the interrupt never reaches the thread's next task.
	 */
	private final class DirectItem extends Item implements Runnable {

		private static final long serialVersionUID = 1L;

		private static final int PENDING = 0;

		private static final int RUNNING = 1;

		private static final int INTERRUPTING = 2;

		private static final int DONE = 3;

		/**
		 * The thread in the function. Plain: written before the CAS to RUNNING and
		 * cleared before the CAS out of it, which publish it to a canceller that reads it
		 * after its own CAS; a stale read costs at most an interrupt the worker clears.
		 */
		private transient @Nullable Thread runner;

		DirectItem(BatchState batch, long index, T item) {
			super(batch, index, item);
		}

		@Override
		void attempt() {
			if (get() != PENDING) {
				return;
			}
			if (BatchRun.this.cancelled) {
				finishCancelled();
				return;
			}
			this.attempts++;
			ItemWork.Blocking<T, R> direct = BatchRun.this.direct;
			try {
				direct.executor().execute(this);
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
				value = BatchRun.this.direct.fn().apply(this.item);
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
					record(ItemOutcome.success(this.index, this.item, value, this.attempts));
					return;
				}
			}
			else if (this.attempts < BatchRun.this.options.maxAttempts() && !BatchRun.this.cancelled) {
				remember(failure);
				if (compareAndSet(RUNNING, PENDING)) {
					retry(failure);
					return;
				}
			}
			else if (compareAndSet(RUNNING, DONE)) {
				record(failureOutcome(failure));
				return;
			}
			// a canceller ended the item during the attempt
			if (onWorker) {
				while (get() == INTERRUPTING) {
					Thread.onSpinWait();
				}
				Thread.interrupted();
			}
		}

		private void retry(Throwable failure) {
			long delay = BatchRun.this.options.retryDelayNanos(this.attempts);
			if (delay <= 0) {
				retryNow();
				return;
			}
			try {
				this.pendingRetry = BatchRun.this.runtime.scheduler()
					.schedule(this::attempt, delay, TimeUnit.NANOSECONDS);
			}
			catch (RuntimeException ex) {
				Failures.suppress(failure, ex);
				if (compareAndSet(PENDING, DONE)) {
					record(failureOutcome(failure));
				}
			}
		}

		@Override
		void cancel() {
			Future<?> pendingRetry = this.pendingRetry;
			if (pendingRetry != null) {
				pendingRetry.cancel(false);
			}
			while (true) {
				int state = get();
				if (state == PENDING) {
					if (compareAndSet(PENDING, DONE)) {
						record(cancelledOutcome());
						return;
					}
				}
				else if (state == RUNNING) {
					if (compareAndSet(RUNNING, INTERRUPTING)) {
						try {
							Thread runner = this.runner;
							if (runner != null) {
								runner.interrupt();
							}
						}
						finally {
							set(DONE);
						}
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
		void finishCancelled() {
			cancel();
		}

	}

	/**
	 * What the processor shares with every run: where work runs and which runs are
	 * active.
	 */
	interface Runtime {

		ScheduledExecutorService scheduler();

		Executor executor();

		void register(BatchRun<?, ?> run);

		void unregister(BatchRun<?, ?> run);

		void itemsDone(long succeeded, long failed);

		void runDone(long nanos);

	}

}
