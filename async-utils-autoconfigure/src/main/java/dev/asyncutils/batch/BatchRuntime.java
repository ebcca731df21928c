package dev.asyncutils.batch;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.asyncutils.core.DeadlineTimer;
import dev.asyncutils.core.DurationRecorder;

/**
 * What every {@link BatchProcessor} made from one bean shares: the executor that runs
 * blocking items, the scheduler for delays, the deadline timer, and the runs in progress,
 * which are let finish (up to the shutdown timeout) and then cancelled when the
 * application shuts down.
 */
final class BatchRuntime {

	private static final Log logger = LogFactory.getLog(BatchProcessor.class);

	private final Executor executor;

	private final ScheduledExecutorService scheduler;

	private final DeadlineTimer timer;

	private final Set<BatchRun<?, ?>> active = ConcurrentHashMap.newKeySet();

	private volatile boolean shutDown;

	private final LongAdder itemsSucceeded = new LongAdder();

	private final LongAdder itemsFailed = new LongAdder();

	private final LongAdder runs = new LongAdder();

	private final LongAdder runNanos = new LongAdder();

	private final DurationRecorder runTimer = new DurationRecorder();

	BatchRuntime(Executor executor, ScheduledExecutorService scheduler, DeadlineTimer timer) {
		this.executor = executor;
		this.scheduler = scheduler;
		this.timer = timer;
	}

	/**
	 * Return the scheduler of retry delays, delayed batch starts and timeouts.
	 * @return the scheduler
	 */
	ScheduledExecutorService scheduler() {
		return this.scheduler;
	}

	/**
	 * Return the timer that watches item deadlines (the one behind {@code @Timeout}).
	 * @return the deadline timer
	 */
	DeadlineTimer timer() {
		return this.timer;
	}

	/**
	 * Return the executor of blocking items.
	 * @return the executor
	 */
	Executor executor() {
		return this.executor;
	}

	void register(BatchRun<?, ?> run) {
		if (this.shutDown) {
			throw new IllegalStateException("The BatchProcessor is shut down: the application is closing");
		}
		this.active.add(run);
	}

	void unregister(BatchRun<?, ?> run) {
		this.active.remove(run);
	}

	void itemsDone(long succeeded, long failed) {
		if (succeeded > 0) {
			this.itemsSucceeded.add(succeeded);
		}
		if (failed > 0) {
			this.itemsFailed.add(failed);
		}
	}

	void runDone(long nanos) {
		this.runs.increment();
		this.runNanos.add(nanos);
		this.runTimer.record(nanos);
	}

	long itemsSucceeded() {
		return this.itemsSucceeded.sum();
	}

	long itemsFailed() {
		return this.itemsFailed.sum();
	}

	long runs() {
		return this.runs.sum();
	}

	DurationRecorder runRecorder() {
		return this.runTimer;
	}

	long runNanos() {
		return this.runNanos.sum();
	}

	/**
	 * Return the runs in progress.
	 * @return the active runs
	 */
	Collection<BatchRun<?, ?>> active() {
		return List.copyOf(this.active);
	}

	/**
	 * Refuse new runs, let the active ones finish within {@code timeout}, then cancel the
	 * rest and wait briefly for them to wind down.
	 * @param timeout how long active runs may still take
	 */
	void shutdown(Duration timeout) {
		this.shutDown = true;
		if (this.active.isEmpty()) {
			return;
		}
		logger.info("async-utils: waiting up to " + timeout.toMillis() + "ms for " + this.active.size()
				+ " batch run(s) to finish");
		long deadline = System.nanoTime() + timeout.toNanos();
		for (BatchRun<?, ?> run : active()) {
			long left = deadline - System.nanoTime();
			try {
				run.done().get(Math.max(0, left), TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				break;
			}
			catch (Exception ex) {
				// finished badly or not in time: handled below
			}
		}
		for (BatchRun<?, ?> run : active()) {
			logger.warn("async-utils: cancelling a batch run still in progress at shutdown (" + run.progress().done()
					+ " items done)");
			run.cancel("cancelled: the application is shutting down");
		}
		for (BatchRun<?, ?> run : active()) {
			try {
				run.done().get(5, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
			catch (Exception ex) {
				// it ended, one way or another
			}
		}
	}

}
