package dev.asyncutils.batch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;

import dev.asyncutils.core.AsyncUtilsScheduler;
import dev.asyncutils.core.DeadlineTimer;
import dev.asyncutils.core.DurationRecorder;

/**
 * The {@link BatchProcessor}: every method is one {@link BatchRun} with its own way of
 * running items and of collecting batches.
 *
 * <p>
 * When the application context closes, runs in progress get until
 * {@code spring.lifecycle.timeout-per-shutdown-phase} to finish, then are cancelled. This
 * happens on {@link ContextClosedEvent}, before the task executor stops taking work.
 */
public class DefaultBatchProcessor implements BatchProcessor, ApplicationListener<ContextClosedEvent>, Ordered {

	private final BatchOptions options;

	private final BatchRuntime runtime;

	private final Duration shutdownTimeout;

	private final Stats stats;

	/**
	 * Create a processor.
	 * @param options the options
	 * @param executor runs blocking items (Spring Boot's application task executor)
	 * @param scheduler schedules retry delays and delayed batches, and times items out
	 * @param timer watches item deadlines (the async-utils scheduler's
	 * {@link AsyncUtilsScheduler#timer()})
	 * @param shutdownTimeout how long runs may still take when the application closes
	 */
	public DefaultBatchProcessor(BatchOptions options, Executor executor, ScheduledExecutorService scheduler,
			DeadlineTimer timer, Duration shutdownTimeout) {
		this(options, new BatchRuntime(executor, scheduler, timer), shutdownTimeout);
	}

	private DefaultBatchProcessor(BatchOptions options, BatchRuntime runtime, Duration shutdownTimeout) {
		this.options = options;
		this.runtime = runtime;
		this.shutdownTimeout = shutdownTimeout;
		this.stats = new Stats(runtime);
	}

	@Override
	public <T, R> BatchResult<T, R> process(Iterable<? extends T> items, ItemFunction<? super T, ? extends R> fn) {
		List<ItemOutcome<T, R>> outcomes = new ArrayList<>(sizeHint(items));
		BatchRun<T, R> run = new BatchRun<>(this.options, this.runtime, ItemWork.blocking(fn, this.runtime.executor()),
				items.iterator(), size(items), collectInto(outcomes), true);
		run.start();
		await(run);
		return new BatchResult<>(outcomes, Duration.ofNanos(run.elapsedNanos()), run.failed());
	}

	@Override
	public <T, R> CompletableFuture<BatchResult<T, R>> processAsync(Iterable<? extends T> items,
			AsyncItemFunction<? super T, ? extends R> fn) {
		List<ItemOutcome<T, R>> outcomes = new ArrayList<>(sizeHint(items));
		BatchRun<T, R> run = new BatchRun<>(this.options, this.runtime, ItemWork.async(fn), items.iterator(),
				size(items), collectInto(outcomes), true);
		CompletableFuture<BatchResult<T, R>> result = new CompletableFuture<>();
		run.done().whenComplete((ignored, failure) -> {
			if (failure != null) {
				result.completeExceptionally(failure);
			}
			else {
				result.complete(new BatchResult<>(outcomes, Duration.ofNanos(run.elapsedNanos()), run.failed()));
			}
		});
		result.whenComplete((value, failure) -> {
			if (result.isCancelled()) {
				run.cancel("cancelled: the caller cancelled the run");
			}
		});
		try {
			this.runtime.executor().execute(() -> {
				try {
					run.start();
				}
				catch (Throwable ex) {
					// e.g. the processor is shut down: fail the run instead of leaving it
					// pending
					result.completeExceptionally(ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			result.completeExceptionally(ex);
		}
		return result;
	}

	@Override
	public <T, R> BatchResult<List<T>, List<R>> processBatches(Iterable<? extends T> items,
			ItemFunction<? super List<T>, ? extends List<R>> fn) {
		BatchOptions perBatch = this.options.toBuilder().batchSize(1).build();
		int batchSize = this.options.batchSize();
		long total = size(items);
		long chunks = (total < 0) ? -1 : (total + batchSize - 1) / batchSize;
		List<ItemOutcome<List<T>, List<R>>> outcomes = new ArrayList<>((chunks < 0) ? 16 : (int) chunks);
		BatchRun<List<T>, List<R>> run = new BatchRun<>(perBatch, this.runtime,
				ItemWork.blocking(fn, this.runtime.executor()), chunks(items.iterator(), batchSize), chunks,
				collectInto(outcomes), true);
		run.start();
		await(run);
		return new BatchResult<>(outcomes, Duration.ofNanos(run.elapsedNanos()), run.failed());
	}

	@Override
	public <T, R> BatchSummary stream(Stream<? extends T> items, ItemFunction<? super T, ? extends R> fn,
			Consumer<? super Batch<T, R>> sink) {
		Spliterator<? extends T> spliterator = items.spliterator();
		Consumer<? super Batch<?, ?>> callback = this.options.onBatchComplete();
		BatchRun<T, R> run = new BatchRun<>(this.options, this.runtime, ItemWork.blocking(fn, this.runtime.executor()),
				Spliterators.iterator(spliterator), spliterator.getExactSizeIfKnown(), (batch) -> {
					callback.accept(batch);
					sink.accept(batch);
				}, false);
		run.start();
		await(run);
		return new BatchSummary(run.batchesDelivered(), run.succeeded(), run.failed(),
				Duration.ofNanos(run.elapsedNanos()));
	}

	@Override
	public BatchProcessor with(Consumer<BatchOptions.Builder> changes) {
		BatchOptions.Builder builder = this.options.toBuilder();
		changes.accept(builder);
		return new DefaultBatchProcessor(builder.build(), this.runtime, this.shutdownTimeout);
	}

	@Override
	public BatchOptions options() {
		return this.options;
	}

	/**
	 * Return the runs in progress, for the actuator endpoint.
	 * @return the progress of every active run
	 */
	public List<RunProgress> activeRuns() {
		List<RunProgress> runs = new ArrayList<>();
		for (BatchRun<?, ?> run : this.runtime.active()) {
			runs.add(new RunProgress(run.progress().done(), run.progress().total(),
					Duration.ofNanos(run.elapsedNanos())));
		}
		return runs;
	}

	/**
	 * Return the counts over every run of this processor and its copies, for metrics.
	 * @return the statistics
	 */
	public Stats stats() {
		return this.stats;
	}

	/**
	 * The progress of a run in flight.
	 *
	 * @param done items with an outcome
	 * @param total items in the run, -1 when unknown
	 * @param elapsed time since the run started
	 */
	public record RunProgress(long done, long total, Duration elapsed) {

	}

	/**
	 * Live counts over every run of a processor and its copies.
	 */
	public static final class Stats {

		private final BatchRuntime runtime;

		Stats(BatchRuntime runtime) {
			this.runtime = runtime;
		}

		/**
		 * Return the items that succeeded.
		 * @return the count
		 */
		public long itemsSucceeded() {
			return this.runtime.itemsSucceeded();
		}

		/**
		 * Return the items that failed.
		 * @return the count
		 */
		public long itemsFailed() {
			return this.runtime.itemsFailed();
		}

		/**
		 * Return the runs that finished.
		 * @return the count
		 */
		public long runs() {
			return this.runtime.runs();
		}

		/**
		 * Return the total duration of the finished runs.
		 * @return the total in nanoseconds
		 */
		public long runNanos() {
			return this.runtime.runNanos();
		}

		/**
		 * Return where the durations of finished runs are recorded.
		 * @return the run recorder
		 */
		public DurationRecorder runRecorder() {
			return this.runtime.runRecorder();
		}

	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		this.runtime.shutdown(this.shutdownTimeout);
	}

	@Override
	public int getOrder() {
		// before the task executor reacts to the same event by refusing new work
		return Ordered.HIGHEST_PRECEDENCE;
	}

	private <T, R> Consumer<Batch<T, R>> collectInto(List<ItemOutcome<T, R>> outcomes) {
		Consumer<? super Batch<?, ?>> callback = this.options.onBatchComplete();
		return (batch) -> {
			outcomes.addAll(batch.outcomes());
			callback.accept(batch);
		};
	}

	/**
	 * Wait for a run; on interrupt, cancel it, wait for it to wind down (items in flight
	 * end as cancelled at once) and keep the interrupt flag set.
	 */
	private static void await(BatchRun<?, ?> run) {
		try {
			run.done().get();
		}
		catch (InterruptedException ex) {
			run.cancel("cancelled: the calling thread was interrupted");
			try {
				run.done().join();
			}
			catch (CompletionException | CancellationException failure) {
				rethrow(failure.getCause() != null ? failure.getCause() : failure);
			}
			finally {
				Thread.currentThread().interrupt();
			}
		}
		catch (ExecutionException ex) {
			rethrow(ex.getCause());
		}
	}

	private static void rethrow(Throwable failure) {
		if (failure instanceof RuntimeException runtimeException) {
			throw runtimeException;
		}
		if (failure instanceof Error error) {
			throw error;
		}
		throw new IllegalStateException(failure);
	}

	private static long size(Iterable<?> items) {
		return (items instanceof Collection<?> collection) ? collection.size() : -1;
	}

	private static int sizeHint(Iterable<?> items) {
		return (items instanceof Collection<?> collection) ? collection.size() : 16;
	}

	private static <T> Iterator<List<T>> chunks(Iterator<? extends T> items, int size) {
		return new Iterator<>() {

			@Override
			public boolean hasNext() {
				return items.hasNext();
			}

			@Override
			public List<T> next() {
				if (!items.hasNext()) {
					throw new NoSuchElementException();
				}
				List<T> chunk = new ArrayList<>(size);
				while (chunk.size() < size && items.hasNext()) {
					chunk.add(items.next());
				}
				return List.copyOf(chunk);
			}

		};
	}

}
