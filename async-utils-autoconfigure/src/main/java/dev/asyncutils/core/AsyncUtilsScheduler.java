package dev.asyncutils.core;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * The one place where async-utils keeps time, runs user code later, and ends waiting
 * calls at shutdown. Every capability gets it through
 * {@link MethodContext#asyncUtilsScheduler()}.
 *
 * <h2>Threads: ours keep time, the application's run code</h2> Its own daemon threads
 * ({@code async-utils-scheduler-N}, and one {@code async-utils-timer} for the deadlines
 * of {@code @Timeout}, see {@link DeadlineTimer}) only keep time. Work that becomes due
 * (a delayed method invocation, a cleanup or fallback method, completing a caller's
 * stage) is handed to the <em>worker</em> executor: Spring Boot's
 * {@code applicationTaskExecutor} (virtual threads when
 * {@code spring.threads.virtual.enabled=true}), so that a method that blocks never delays
 * another call's deadline, delay or permit, and a caller's dependent stages never run on
 * a scheduler thread. {@link #executor()} is the {@link ScheduledExecutorService} view
 * every invoker uses: its {@code schedule} waits on our threads and runs the task on a
 * worker, its {@code execute} runs on a worker. When the worker executor refuses a task
 * (Spring stops the application task executor early when the context closes) it runs on a
 * thread of ours started for it ({@code async-utils-worker-N}), so running calls can
 * finish.
 *
 * <h2>Shutdown: no call left behind</h2> This bean is a {@link SmartLifecycle} in phase
 * {@link #PHASE}, which stops after Spring Boot's graceful shutdown of the web server
 * (phase {@code WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE}): requests
 * drain first. When it stops, every call that waits on our time ends at once with
 * {@link RejectedExecutionException} whose message says the application is shutting down
 * ({@link #shuttingDown()}):
 * <ul>
 * <li>a task scheduled as an {@link Abortable} (a call in a retry delay, waiting for a
 * permit...) gets {@link Abortable#abort} on a worker instead of running;</li>
 * <li>a thread in {@link #sleep(long)} (a plain caller in a retry delay) throws it;</li>
 * <li>the deadlines of asynchronous calls end (see
 * {@link DeadlineTimer.Deadline#shutdown});</li>
 * <li>every {@linkplain #onShutdown(Runnable) registered hook} runs: this is how another
 * package ends the waits it keeps itself (callers in line for a slot, pending debounced
 * runs). Register once, at startup:
 * {@code method.asyncUtilsScheduler().onShutdown(limiter::rejectAllWaiting)}; the hook
 * runs once, on the closing thread, after {@link #isShuttingDown()} turned {@code true},
 * so a waiter that arrives while it runs must check {@link #isShuttingDown()} after
 * joining its line (and end itself with {@link #shuttingDown()}).</li>
 * </ul>
 * From then on, new waits are refused the same way ({@code schedule} of an
 * {@link Abortable} throws the exception). Calls running at that moment may finish: the
 * stop waits (up to {@code spring.lifecycle.timeout-per-shutdown-phase}) for the user
 * code it handed to workers; deadlines of plain methods are still enforced until the
 * context destroys this bean, which stops the timer and ends whatever still waits.
 */
public class AsyncUtilsScheduler implements SmartLifecycle, DisposableBean {

	/**
	 * The lifecycle phase: below Spring Boot's web server graceful shutdown ({@code
	 * Integer.MAX_VALUE - 1024}), above the web server's own stop
	 * ({@code Integer.MAX_VALUE -
	 * 2048}). Higher phases stop first.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1536;

	private static final Log logger = LogFactory.getLog(AsyncUtilsScheduler.class);

	private final ScheduledThreadPoolExecutor timekeeper;

	private final DeadlineTimer timer = new DeadlineTimer("async-utils-timer");

	private final Supplier<@Nullable Executor> workersSupplier;

	/**
	 * Resolved on start or on first use, so that creating us creates no executor early.
	 */
	private volatile @Nullable Executor workers;

	private final WorkerScheduledExecutor view;

	private final ThreadPoolExecutor ownWorkers;

	/** Calls waiting in {@link #schedule}, ended at shutdown. */
	final Set<WorkerScheduledExecutor.Waiting> waiting = ConcurrentHashMap.newKeySet();

	private final Set<Thread> sleepers = ConcurrentHashMap.newKeySet();

	private final List<Runnable> hooks = new CopyOnWriteArrayList<>();

	/** User code handed to workers and still running, for the graceful stop. */
	private final AtomicInteger running = new AtomicInteger();

	private final AtomicReference<@Nullable Runnable> stopCallback = new AtomicReference<>();

	private volatile boolean shuttingDown;

	private volatile boolean started;

	private volatile @Nullable Object reactorScheduler;

	/**
	 * Create a scheduler whose delayed work runs on threads of its own
	 * ({@code async-utils-worker-N}).
	 * @param threads the number of scheduler threads, at least 1
	 */
	public AsyncUtilsScheduler(int threads) {
		this(threads, () -> null);
	}

	/**
	 * Create a scheduler with the given number of threads and worker executor.
	 * @param threads the number of scheduler threads, at least 1
	 * @param workers supplies, once, what runs user code that becomes due (usually Spring
	 * Boot's {@code applicationTaskExecutor}); supplying {@code null} means threads of
	 * its own
	 */
	public AsyncUtilsScheduler(int threads, Supplier<@Nullable Executor> workers) {
		if (threads < 1) {
			throw new IllegalArgumentException("threads must be at least 1, was " + threads);
		}
		this.timekeeper = new ScheduledThreadPoolExecutor(threads, new DaemonThreads("async-utils-scheduler-"));
		this.timekeeper.setRemoveOnCancelPolicy(true);
		this.timekeeper.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.ownWorkers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 30, TimeUnit.SECONDS, new SynchronousQueue<>(),
				new DaemonThreads("async-utils-worker-"));
		this.workersSupplier = workers;
		this.view = new WorkerScheduledExecutor(this, this.timekeeper);
	}

	/**
	 * Return the executor every capability uses for delays and for work that becomes due:
	 * it keeps time on the scheduler threads and runs each task on a worker (see the
	 * class description). Periodic tasks ({@code scheduleAtFixedRate},
	 * {@code scheduleWithFixedDelay}) are housekeeping and run on the scheduler threads:
	 * keep them short.
	 * @return the scheduled executor
	 */
	public ScheduledExecutorService executor() {
		return this.view;
	}

	/**
	 * Return the number of scheduler threads (they only keep time).
	 * @return the number of threads
	 */
	public int threads() {
		return this.timekeeper.getCorePoolSize();
	}

	/**
	 * Return the number of delays pending on the scheduler threads, for tests and
	 * diagnostics.
	 * @return the number of scheduled, not yet due tasks
	 */
	public int scheduledCount() {
		return this.timekeeper.getQueue().size();
	}

	/**
	 * Return whether nothing is scheduled, no scheduler thread is busy and no user code
	 * started by us is running, for tests and diagnostics.
	 * @return {@code true} when idle (read racily)
	 */
	public boolean isIdle() {
		return this.timekeeper.getQueue().isEmpty() && this.timekeeper.getActiveCount() == 0 && this.running.get() == 0;
	}

	/**
	 * Return the timer for deadlines that are usually met ({@code @Timeout}): cheaper
	 * than {@link #executor()} for work that is almost always called off.
	 * {@link DeadlineTimer.Deadline#expire()} runs on the timer thread: hand real work to
	 * {@link #executor()}.
	 * @return the deadline timer
	 */
	public DeadlineTimer timer() {
		return this.timer;
	}

	/**
	 * Return whether the context began to close: waiting calls have been ended and new
	 * waits are refused.
	 * @return {@code true} once the context closes
	 */
	public boolean isShuttingDown() {
		return this.shuttingDown;
	}

	/**
	 * Return whether the scheduler has been shut down.
	 * @return {@code true} once the context closed
	 * @deprecated use {@link #isShuttingDown()}
	 */
	@Deprecated
	public boolean isShutdown() {
		return this.shuttingDown;
	}

	/**
	 * Return a new exception for a call that ends because the application is shutting
	 * down: what every waiting call gets.
	 * @return the exception, one per call
	 */
	public static RejectedExecutionException shuttingDown() {
		return new RejectedExecutionException("async-utils: the application is shutting down");
	}

	/**
	 * Register a hook that ends the waits another package keeps itself. Runs once, when
	 * the context begins to close, on the closing thread; must not block and must not
	 * throw. A hook registered after that runs at once.
	 * @param hook the hook
	 */
	public void onShutdown(Runnable hook) {
		this.hooks.add(hook);
		if (this.shuttingDown && this.hooks.remove(hook)) {
			runHook(hook);
		}
	}

	/**
	 * Sleep on the calling thread, as a plain caller waits for a retry, a permit or a
	 * slot. Ends early when the context begins to close.
	 * @param nanos how long
	 * @throws InterruptedException if the thread is interrupted (the flag is cleared, as
	 * {@link Thread#sleep} does)
	 * @throws RejectedExecutionException if the application is shutting down, before or
	 * during the sleep
	 */
	public void sleep(long nanos) throws InterruptedException {
		if (this.shuttingDown) {
			throw shuttingDown();
		}
		if (nanos <= 0) {
			return;
		}
		Thread thread = Thread.currentThread();
		this.sleepers.add(thread);
		try {
			long due = System.nanoTime() + nanos;
			while (true) {
				if (Thread.interrupted()) {
					throw new InterruptedException();
				}
				if (this.shuttingDown) {
					throw shuttingDown();
				}
				long left = due - System.nanoTime();
				if (left <= 0) {
					return;
				}
				LockSupport.parkNanos(this, left);
			}
		}
		finally {
			this.sleepers.remove(thread);
		}
	}

	/**
	 * Run a task on a worker now (user code: a delayed invocation, a fallback, a cleanup,
	 * completing a stage). Never runs it on a scheduler or timer thread, and never
	 * throws: when the worker executor refuses, a thread of our own runs it.
	 * @param task the task
	 */
	public void dispatch(Runnable task) {
		Runnable counted = new Counted(task);
		this.running.incrementAndGet();
		Executor workers = this.workers;
		if (workers == null) {
			workers = resolveWorkers();
		}
		try {
			workers.execute(counted);
		}
		catch (RejectedExecutionException ex) {
			try {
				this.ownWorkers.execute(counted);
			}
			catch (RejectedExecutionException destroyed) {
				// the context is gone: run it here rather than not at all
				counted.run();
			}
		}
	}

	private Executor resolveWorkers() {
		Executor workers;
		try {
			workers = this.workersSupplier.get();
		}
		catch (RuntimeException ex) {
			logger.debug("async-utils: no worker executor, using threads of our own", ex);
			workers = null;
		}
		if (workers == null) {
			workers = this.ownWorkers;
		}
		this.workers = workers;
		return workers;
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
	public void start() {
		if (this.workers == null) {
			resolveWorkers();
		}
		this.started = true;
	}

	@Override
	public boolean isRunning() {
		return this.started && !this.shuttingDown;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	@Override
	public void stop() {
		beginShutdown();
	}

	/**
	 * End every waiting call, then report stopped once the user code running on workers
	 * on our behalf has finished (Spring waits up to
	 * {@code spring.lifecycle.timeout-per-shutdown-phase}).
	 */
	@Override
	public void stop(Runnable callback) {
		beginShutdown();
		this.stopCallback.set(callback);
		if (this.running.get() == 0) {
			runStopCallback();
		}
	}

	private void runStopCallback() {
		Runnable callback = this.stopCallback.getAndSet(null);
		if (callback != null) {
			callback.run();
		}
	}

	/**
	 * Begin to shut down: end every call that waits on our time, run the hooks.
	 * Idempotent.
	 */
	public void beginShutdown() {
		synchronized (this.hooks) {
			if (this.shuttingDown) {
				return;
			}
			this.shuttingDown = true;
		}
		for (Runnable hook : this.hooks) {
			if (this.hooks.remove(hook)) {
				runHook(hook);
			}
		}
		for (WorkerScheduledExecutor.Waiting waiting : this.waiting) {
			waiting.abort();
		}
		for (Thread sleeper : this.sleepers) {
			LockSupport.unpark(sleeper);
		}
		this.timer.shutdown(this);
	}

	private static void runHook(Runnable hook) {
		try {
			hook.run();
		}
		catch (RuntimeException ex) {
			logger.warn("async-utils: a shutdown hook failed", ex);
		}
	}

	@Override
	public void destroy() throws InterruptedException {
		beginShutdown();
		this.timer.stop(this);
		this.timekeeper.shutdownNow();
		this.timekeeper.awaitTermination(5, TimeUnit.SECONDS);
		this.ownWorkers.shutdown();
	}

	/**
	 * A scheduled task that stands for a call waiting on our time. Scheduled through
	 * {@link #executor()}, it runs on a worker when due; if the context begins to close
	 * first, {@link #abort} runs instead (on a worker), exactly once, and neither runs if
	 * the returned future was cancelled first.
	 */
	public interface Abortable extends Runnable {

		/**
		 * End the waiting call: the application is shutting down.
		 * @param reason the exception the call should end with, from
		 * {@link #shuttingDown()}
		 */
		void abort(RejectedExecutionException reason);

	}

	/** Counts the user code that runs on workers, for the graceful stop. */
	private final class Counted implements Runnable {

		private final Runnable task;

		Counted(Runnable task) {
			this.task = task;
		}

		@Override
		public void run() {
			try {
				this.task.run();
			}
			finally {
				if (AsyncUtilsScheduler.this.running.decrementAndGet() == 0
						&& AsyncUtilsScheduler.this.stopCallback.get() != null) {
					runStopCallback();
				}
			}
		}

	}

	private static final class DaemonThreads implements ThreadFactory {

		private final AtomicInteger count = new AtomicInteger();

		private final String prefix;

		DaemonThreads(String prefix) {
			this.prefix = prefix;
		}

		@Override
		public Thread newThread(Runnable task) {
			Thread thread = new Thread(task, this.prefix + this.count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}

	}

}
