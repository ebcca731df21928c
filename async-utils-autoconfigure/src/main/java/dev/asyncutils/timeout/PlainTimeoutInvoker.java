package dev.asyncutils.timeout;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.core.AsyncUtilsScheduler;
import dev.asyncutils.core.Call;
import dev.asyncutils.core.DeadlineTimer;
import dev.asyncutils.core.Invoker;

/**
 * {@code @Timeout} for plain methods: the method runs on the caller's thread; at the
 * deadline the timer interrupts that thread and the cleanup method runs on a worker (see
 * {@link dev.asyncutils.core.AsyncUtilsScheduler}). Once the method returns or throws, a
 * caller whose deadline passed gets {@link TimeoutExceededException} (whatever the method
 * did with the interrupt), and our interrupt is cleared, so none leaks to the thread's
 * next task. An interrupt that is not ours survives: one already pending when our
 * deadline passed, and one from an enclosing {@code @Timeout} on the same thread (see
 * {@link Interrupts}). A call still running when the scheduler is destroyed is
 * interrupted the same way and its caller gets
 * {@link java.util.concurrent.RejectedExecutionException}; a call after that is refused
 * without running.
 *
 * <p>
 * A call that finishes in time costs one small deadline object, one clock read and two
 * compare-and-sets: nothing is cancelled or removed (see {@link DeadlineTimer}).
 */
final class PlainTimeoutInvoker implements Invoker {

	private final TimeoutSettings settings;

	private final TimeoutStats stats;

	private final long timeoutNanos;

	private final Invoker next;

	private final DeadlineTimer timer;

	private final Executor cleanupExecutor;

	PlainTimeoutInvoker(TimeoutSettings settings, TimeoutStats stats, Invoker next, DeadlineTimer timer,
			Executor cleanupExecutor) {
		this.settings = settings;
		this.stats = stats;
		this.timeoutNanos = settings.timeout().toNanos();
		this.next = next;
		this.timer = timer;
		this.cleanupExecutor = cleanupExecutor;
	}

	@Override
	public @Nullable Object invoke(Call call) throws Throwable {
		// the call is kept only for a cleanup method: otherwise it need not outlive this
		// frame, and the compiler may keep it off the heap
		Deadline deadline = new Deadline(Thread.currentThread(), (this.settings.cleanup() != null) ? call : null);
		this.timer.schedule(deadline, this.timeoutNanos);
		Object result = null;
		Throwable failure = null;
		if (deadline.isFinished()) {
			// refused at once: the timer stopped (or the deadline passed before the
			// start)
			failure = NOT_STARTED;
		}
		else {
			try {
				result = this.next.invoke(call);
			}
			catch (Throwable ex) {
				failure = ex;
			}
		}
		if (deadline.finishInTime()) {
			this.stats.completed();
			if (failure != null) {
				throw failure;
			}
			return result;
		}
		deadline.awaitInterruptDelivered();
		Interrupts.acknowledge(deadline.thread, deadline.foreignInterrupt());
		if (deadline.aborted()) {
			RejectedExecutionException shuttingDown = AsyncUtilsScheduler.shuttingDown();
			if (failure != null && failure != NOT_STARTED) {
				shuttingDown.addSuppressed(failure);
			}
			throw shuttingDown;
		}
		this.stats.timedOut(this.settings);
		TimeoutExceededException exceeded = this.settings.exceeded();
		if (failure != null && failure != NOT_STARTED) {
			exceeded.addSuppressed(failure);
		}
		throw exceeded;
	}

	/** Stands for "the method was not invoked": never thrown. */
	private static final Throwable NOT_STARTED = new Throwable("not started") {

		private static final long serialVersionUID = 1L;

	};

	/**
	 * The deadline of one call. The caller and the timer race to move it out of
	 * {@code RUNNING}: whoever wins decides whether the call timed out.
	 */
	private final class Deadline extends DeadlineTimer.Deadline implements Runnable {

		private static final int RUNNING = 0;

		private static final int INTERRUPTING = 1;

		private static final int INTERRUPTED = 2;

		private static final int FINISHED = 16;

		/**
		 * Set with {@link #INTERRUPTED}: the thread was already interrupted when our
		 * deadline passed.
		 */
		private static final int FOREIGN_INTERRUPT = 4;

		/**
		 * Set with {@link #INTERRUPTED}: the call was ended by the shutdown rather than
		 * by its deadline.
		 */
		private static final int ABORTED = 8;

		private static final VarHandle STATE;

		static {
			try {
				STATE = MethodHandles.lookup().findVarHandle(Deadline.class, "state", int.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		final Thread thread;

		/**
		 * The call, for the cleanup method, until it finishes in time: not kept alive by
		 * a watched deadline.
		 */
		private @Nullable Call call;

		@SuppressWarnings("unused")
		private volatile int state;

		Deadline(Thread thread, @Nullable Call call) {
			this.thread = thread;
			this.call = call;
		}

		@Override
		protected boolean isFinished() {
			return this.state != RUNNING;
		}

		@Override
		protected void expire() {
			end(false);
		}

		/**
		 * A plain call runs on its caller's thread: it keeps its deadline while the
		 * context closes, and is ended only when the timer stops.
		 */
		@Override
		protected void shutdown(boolean stopping) {
			if (stopping) {
				end(true);
			}
		}

		private void end(boolean abort) {
			if (STATE.compareAndSet(this, RUNNING, INTERRUPTING)) {
				// the flags travel in the state (a field each would grow every call's
				// deadline by 8 bytes)
				int interrupted = abort ? INTERRUPTED | ABORTED : INTERRUPTED;
				try {
					if (Interrupts.deliver(this.thread)) {
						interrupted |= FOREIGN_INTERRUPT;
					}
				}
				finally {
					this.state = interrupted;
				}
				if (PlainTimeoutInvoker.this.settings.cleanup() != null && this.thread != Thread.currentThread()) {
					PlainTimeoutInvoker.this.cleanupExecutor.execute(this);
				}
			}
		}

		/** Runs the cleanup method, on a worker, after the deadline passed. */
		@Override
		public void run() {
			CleanupMethod cleanup = PlainTimeoutInvoker.this.settings.cleanup();
			Call call = this.call;
			if (cleanup != null && call != null) {
				cleanup.run(call);
			}
		}

		/**
		 * Called by the caller once the method is done.
		 * @return {@code true} if it finished before the deadline
		 */
		boolean finishInTime() {
			if (STATE.compareAndSet(this, RUNNING, FINISHED)) {
				this.call = null;
				return true;
			}
			return false;
		}

		/**
		 * Return whether the thread was already interrupted when the deadline passed;
		 * read after {@link #awaitInterruptDelivered()}.
		 */
		boolean foreignInterrupt() {
			return (this.state & FOREIGN_INTERRUPT) != 0;
		}

		/**
		 * Return whether the shutdown ended the call rather than its deadline; read after
		 * {@link #awaitInterruptDelivered()}.
		 */
		boolean aborted() {
			return (this.state & ABORTED) != 0;
		}

		/**
		 * Wait (briefly: the timer is between two statements) until the interrupt has
		 * been delivered, so that clearing the flag afterwards leaves none behind.
		 */
		void awaitInterruptDelivered() {
			while ((this.state & INTERRUPTED) == 0) {
				Thread.onSpinWait();
			}
		}

	}

}
