package dev.asyncutils.batch;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.Failures;

/**
 * How one attempt of one item runs: a blocking function on the executor, or an
 * asynchronous one that holds no thread while its stage is pending.
 *
 * @param <T> the item type
 * @param <R> the result type
 */
interface ItemWork<T, R> {

	/**
	 * Start one attempt.
	 * @param item the item
	 * @return the running attempt
	 */
	Attempt<R> start(T item);

	/**
	 * One attempt in flight.
	 *
	 * @param <R> the result type
	 */
	interface Attempt<R> {

		/**
		 * Return the attempt's result; completing it from outside (a timeout) abandons
		 * the attempt.
		 * @return the result
		 */
		CompletableFuture<@Nullable R> result();

		/**
		 * Stop the attempt where possible: interrupt a blocking function, cancel a stage.
		 */
		void cancel();

	}

	/**
	 * Blocking work: each attempt is a task on the executor.
	 * @param <T> the item type
	 * @param <R> the result type
	 * @param fn the function
	 * @param executor the executor
	 * @return the work
	 */
	static <T, R> Blocking<T, R> blocking(ItemFunction<? super T, ? extends R> fn, Executor executor) {
		return new Blocking<>(fn, executor);
	}

	/**
	 * Asynchronous work: the function is called on the current thread and its stage is
	 * awaited without a thread.
	 * @param <T> the item type
	 * @param <R> the result type
	 * @param fn the function
	 * @return the work
	 */
	static <T, R> ItemWork<T, R> async(AsyncItemFunction<? super T, ? extends R> fn) {
		return (item) -> {
			CompletableFuture<@Nullable R> result = new CompletableFuture<>();
			CompletionStage<? extends R> stage;
			try {
				stage = fn.apply(item);
				if (stage == null) {
					throw new NullPointerException("The item function returned null instead of a stage");
				}
			}
			catch (Throwable ex) {
				result.completeExceptionally(ex);
				return new AsyncAttempt<>(result, null);
			}
			stage.whenComplete((value, failure) -> {
				if (failure != null) {
					result.completeExceptionally(Failures.unwrap(failure));
				}
				else {
					result.complete(value);
				}
			});
			return new AsyncAttempt<>(result, stage);
		};
	}

	/**
	 * Blocking work: each attempt is a task on the executor. Without an item timeout the
	 * run skips {@link #start} and submits its own item objects that call {@link #fn}
	 * directly (no future per attempt).
	 *
	 * @param <T> the item type
	 * @param <R> the result type
	 * @param fn the function
	 * @param executor the executor
	 */
	record Blocking<T, R>(ItemFunction<? super T, ? extends R> fn, Executor executor) implements ItemWork<T, R> {

		@Override
		public Attempt<R> start(T item) {
			BlockingAttempt<T, R> attempt = new BlockingAttempt<>(this.fn, item);
			try {
				this.executor.execute(attempt);
			}
			catch (Throwable ex) {
				// rejected, or the executor failed: the attempt fails with that
				attempt.result().completeExceptionally(ex);
			}
			return attempt;
		}

	}

	/**
	 * An attempt of an asynchronous function.
	 */
	record AsyncAttempt<R>(CompletableFuture<@Nullable R> result,
			@Nullable CompletionStage<? extends R> stage) implements Attempt<R> {

		@Override
		public void cancel() {
			this.result.cancel(false);
			if (this.stage instanceof Future<?> future) {
				future.cancel(true);
			}
		}

	}

	/**
	 * An attempt of a blocking function on an executor thread. The canceller and the
	 * worker race on the state, so an interrupt meant for this item never reaches the
	 * thread's next task.
	 */
	final class BlockingAttempt<T, R> extends AtomicInteger implements Attempt<R>, Runnable, InterruptHandshake.Worker {

		private static final long serialVersionUID = 1L;

		private static final int NEW = 0;

		private static final int RUNNING = 1;

		private static final int INTERRUPTING = 2;

		private static final int INTERRUPTED = 3;

		private static final int DONE = 4;

		private static final int CANCELLED = 5;

		private final transient ItemFunction<? super T, ? extends R> fn;

		private final transient T item;

		private final transient CompletableFuture<@Nullable R> result = new CompletableFuture<>();

		private transient volatile @Nullable Thread runner;

		BlockingAttempt(ItemFunction<? super T, ? extends R> fn, T item) {
			this.fn = fn;
			this.item = item;
		}

		@Override
		public CompletableFuture<@Nullable R> result() {
			return this.result;
		}

		@Override
		public void run() {
			this.runner = Thread.currentThread();
			if (!compareAndSet(NEW, RUNNING)) {
				this.runner = null;
				return;
			}
			try {
				this.result.complete(this.fn.apply(this.item));
			}
			catch (Throwable ex) {
				this.result.completeExceptionally(ex);
			}
			finally {
				if (!compareAndSet(RUNNING, DONE)) {
					InterruptHandshake.clearDelivered(this, INTERRUPTING);
				}
				this.runner = null;
			}
		}

		@Override
		public void cancel() {
			this.result.cancel(false);
			if (compareAndSet(NEW, CANCELLED)) {
				return;
			}
			InterruptHandshake.interrupt(this, RUNNING, INTERRUPTING, INTERRUPTED, this);
		}

		@Override
		public @Nullable Thread thread() {
			return this.runner;
		}

	}

}
