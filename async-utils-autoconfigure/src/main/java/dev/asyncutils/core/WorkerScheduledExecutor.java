package dev.asyncutils.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.AsyncUtilsScheduler.Abortable;

/**
 * The {@link ScheduledExecutorService} view of {@link AsyncUtilsScheduler}: time is kept
 * on the scheduler threads, tasks run on workers ({@link AsyncUtilsScheduler#dispatch}).
 * Tasks that are {@link Abortable} are waiting calls: tracked until they run, ended at
 * shutdown, refused once it began.
 */
final class WorkerScheduledExecutor extends AbstractExecutorService implements ScheduledExecutorService {

	private static final VarHandle CLAIMED;

	static {
		try {
			CLAIMED = MethodHandles.lookup().findVarHandle(Waiting.class, "claimed", boolean.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private final AsyncUtilsScheduler owner;

	private final ScheduledThreadPoolExecutor timekeeper;

	WorkerScheduledExecutor(AsyncUtilsScheduler owner, ScheduledThreadPoolExecutor timekeeper) {
		this.owner = owner;
		this.timekeeper = timekeeper;
	}

	@Override
	public void execute(Runnable command) {
		this.owner.dispatch(command);
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
		if (command instanceof Abortable abortable) {
			return waitFor(abortable, delay, unit);
		}
		return this.timekeeper.schedule(() -> this.owner.dispatch(command), delay, unit);
	}

	private ScheduledFuture<?> waitFor(Abortable task, long delay, TimeUnit unit) {
		if (this.owner.isShuttingDown()) {
			throw AsyncUtilsScheduler.shuttingDown();
		}
		Waiting waiting = new Waiting(task);
		this.owner.waiting.add(waiting);
		try {
			waiting.timer = this.timekeeper.schedule(waiting, delay, unit);
		}
		catch (RejectedExecutionException ex) {
			this.owner.waiting.remove(waiting);
			throw AsyncUtilsScheduler.shuttingDown();
		}
		// Dekker with beginShutdown(): we published the waiting call, then read the flag;
		// it sets the flag, then reads the waiting calls. Whoever claims it ends it.
		if (this.owner.isShuttingDown() && waiting.claim()) {
			waiting.cancelTimer();
			throw AsyncUtilsScheduler.shuttingDown();
		}
		if (waiting.isClaimed()) {
			// claimed by shutdown before its timer existed
			waiting.cancelTimer();
		}
		return waiting;
	}

	@Override
	public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
		FutureTask<V> task = new FutureTask<>(callable);
		ScheduledFuture<?> timer = schedule(task, delay, unit);
		return new ValueFuture<>(timer, task);
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
		return this.timekeeper.scheduleAtFixedRate(command, initialDelay, period, unit);
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
		return this.timekeeper.scheduleWithFixedDelay(command, initialDelay, delay, unit);
	}

	/** Owned by the application context: shut down with it, never by a user. */
	@Override
	public void shutdown() {
	}

	@Override
	public List<Runnable> shutdownNow() {
		return List.of();
	}

	@Override
	public boolean isShutdown() {
		return this.timekeeper.isShutdown();
	}

	@Override
	public boolean isTerminated() {
		return this.timekeeper.isTerminated();
	}

	@Override
	public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
		return this.timekeeper.awaitTermination(timeout, unit);
	}

	/**
	 * A waiting call: runs (on a worker) when due, or is aborted at shutdown, or is
	 * cancelled; exactly one of these, decided by {@link #claim()}.
	 */
	final class Waiting implements ScheduledFuture<Object>, Runnable {

		private final Abortable task;

		volatile @Nullable ScheduledFuture<?> timer;

		private volatile boolean cancelled;

		@SuppressWarnings("unused")
		private volatile boolean claimed;

		Waiting(Abortable task) {
			this.task = task;
		}

		boolean isClaimed() {
			return this.claimed;
		}

		boolean claim() {
			if (CLAIMED.compareAndSet(this, false, true)) {
				WorkerScheduledExecutor.this.owner.waiting.remove(this);
				return true;
			}
			return false;
		}

		void cancelTimer() {
			ScheduledFuture<?> timer = this.timer;
			if (timer != null) {
				timer.cancel(false);
			}
		}

		/** Due: on the scheduler thread, hand the task to a worker. */
		@Override
		public void run() {
			if (claim()) {
				WorkerScheduledExecutor.this.owner.dispatch(this.task);
			}
		}

		/** Shutting down: end the call on a worker. */
		void abort() {
			if (claim()) {
				cancelTimer();
				Abortable task = this.task;
				WorkerScheduledExecutor.this.owner.dispatch(() -> task.abort(AsyncUtilsScheduler.shuttingDown()));
			}
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			if (claim()) {
				this.cancelled = true;
				cancelTimer();
				return true;
			}
			return false;
		}

		@Override
		public boolean isCancelled() {
			return this.cancelled;
		}

		@Override
		public boolean isDone() {
			return this.claimed;
		}

		@Override
		public @Nullable Object get() throws InterruptedException, ExecutionException {
			throw new UnsupportedOperationException("A delayed call has no result of its own");
		}

		@Override
		public @Nullable Object get(long timeout, TimeUnit unit) {
			throw new UnsupportedOperationException("A delayed call has no result of its own");
		}

		@Override
		public long getDelay(TimeUnit unit) {
			ScheduledFuture<?> timer = this.timer;
			return (timer != null) ? timer.getDelay(unit) : 0;
		}

		@Override
		public int compareTo(Delayed other) {
			return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
		}

	}

	/** A scheduled {@link Callable}: its timer, and its result once a worker ran it. */
	private static final class ValueFuture<V> implements ScheduledFuture<V> {

		private final ScheduledFuture<?> timer;

		private final FutureTask<V> task;

		ValueFuture(ScheduledFuture<?> timer, FutureTask<V> task) {
			this.timer = timer;
			this.task = task;
		}

		@Override
		public long getDelay(TimeUnit unit) {
			return this.timer.getDelay(unit);
		}

		@Override
		public int compareTo(Delayed other) {
			return Long.compare(getDelay(TimeUnit.NANOSECONDS), other.getDelay(TimeUnit.NANOSECONDS));
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			this.timer.cancel(false);
			return this.task.cancel(mayInterruptIfRunning);
		}

		@Override
		public boolean isCancelled() {
			return this.task.isCancelled();
		}

		@Override
		public boolean isDone() {
			return this.task.isDone();
		}

		@Override
		public V get() throws InterruptedException, ExecutionException {
			return this.task.get();
		}

		@Override
		public V get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
			return this.task.get(timeout, unit);
		}

	}

}
