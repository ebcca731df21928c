package dev.asyncutils.core;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;

/**
 * The one scheduler behind every delay and deadline of async-utils: retry back-off of
 * asynchronous methods, waits for permits, cleanup calls, and (through its
 * {@link DeadlineTimer}) the deadlines of {@code @Timeout}. Owned by the application
 * context, on daemon threads named {@code async-utils-scheduler-N} (and one
 * {@code async-utils-timer}), shut down with the context.
 *
 * <p>
 * Its threads only start work that is due; they never run a guarded method's body for a
 * plain method. Keep cleanup methods short: they run here.
 */
public class AsyncUtilsScheduler implements DisposableBean {

	private final ScheduledThreadPoolExecutor executor;

	private final DeadlineTimer timer = new DeadlineTimer("async-utils-timer");

	private volatile @Nullable Object reactorScheduler;

	/**
	 * Create a scheduler with the given number of threads.
	 * @param threads the number of scheduler threads, at least 1
	 */
	public AsyncUtilsScheduler(int threads) {
		if (threads < 1) {
			throw new IllegalArgumentException("threads must be at least 1, was " + threads);
		}
		this.executor = new ScheduledThreadPoolExecutor(threads, new DaemonThreads());
		this.executor.setRemoveOnCancelPolicy(true);
		this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
	}

	/**
	 * Return the executor that runs scheduled work.
	 * @return the scheduled executor
	 */
	public ScheduledExecutorService executor() {
		return this.executor;
	}

	/**
	 * Return the timer for deadlines that are usually met ({@code @Timeout}): cheaper
	 * than {@link #executor()} for work that is almost always called off.
	 * @return the deadline timer
	 */
	public DeadlineTimer timer() {
		return this.timer;
	}

	/**
	 * Return whether the scheduler has been shut down.
	 * @return {@code true} once the context closed
	 */
	public boolean isShutdown() {
		return this.executor.isShutdown();
	}

	/**
	 * Return the Reactor view of this scheduler, creating it on first use. Typed as
	 * {@code Object} here so that this class never loads Reactor.
	 * @param <S> the Reactor scheduler type
	 * @param factory creates the view
	 * @return the view
	 */
	@SuppressWarnings("unchecked")
	<S> S reactorScheduler(Supplier<S> factory) {
		Object scheduler = this.reactorScheduler;
		if (scheduler == null) {
			synchronized (this) {
				scheduler = this.reactorScheduler;
				if (scheduler == null) {
					scheduler = factory.get();
					this.reactorScheduler = scheduler;
				}
			}
		}
		return (S) scheduler;
	}

	@Override
	public void destroy() throws InterruptedException {
		this.timer.stop();
		this.executor.shutdownNow();
		this.executor.awaitTermination(5, TimeUnit.SECONDS);
	}

	private static final class DaemonThreads implements ThreadFactory {

		private final AtomicInteger count = new AtomicInteger();

		@Override
		public Thread newThread(Runnable task) {
			Thread thread = new Thread(task, "async-utils-scheduler-" + this.count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}

	}

}
