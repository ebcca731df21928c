package dev.asyncutils.timeout;

import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.core.Call;
import dev.asyncutils.core.Invoker;

/**
 * {@code @Timeout} for plain methods: the method runs on the caller's thread; at the
 * deadline the scheduler interrupts that thread and calls the cleanup method. Once the
 * method returns or throws, a caller whose deadline passed gets
 * {@link TimeoutExceededException} (whatever the method did with the interrupt), and the
 * interrupt flag is cleared, so no interrupt leaks to the thread's next task.
 */
final class PlainTimeoutInvoker implements Invoker {

	private final TimeoutSettings settings;

	private final TimeoutStats stats;

	private final long timeoutNanos;

	private final Invoker next;

	private final ScheduledExecutorService scheduler;

	PlainTimeoutInvoker(TimeoutSettings settings, TimeoutStats stats, Invoker next,
			ScheduledExecutorService scheduler) {
		this.settings = settings;
		this.stats = stats;
		this.timeoutNanos = settings.timeout().toNanos();
		this.next = next;
		this.scheduler = scheduler;
	}

	@Override
	public @Nullable Object invoke(Call call) throws Throwable {
		Deadline deadline = new Deadline(Thread.currentThread(), call, this.settings.cleanup());
		Future<?> timer = this.scheduler.schedule(deadline, this.timeoutNanos, TimeUnit.NANOSECONDS);
		Object result = null;
		Throwable failure = null;
		try {
			result = this.next.invoke(call);
		}
		catch (Throwable ex) {
			failure = ex;
		}
		if (deadline.finishInTime()) {
			timer.cancel(false);
			this.stats.completed();
			if (failure != null) {
				throw failure;
			}
			return result;
		}
		deadline.awaitInterruptDelivered();
		Thread.interrupted();
		this.stats.timedOut();
		TimeoutExceededException exceeded = this.settings.exceeded();
		if (failure != null) {
			exceeded.addSuppressed(failure);
		}
		throw exceeded;
	}

	/**
	 * The deadline of one call. The caller and the scheduler race to move it out of
	 * {@code RUNNING}: whoever wins decides whether the call timed out.
	 */
	private static final class Deadline extends AtomicInteger implements Runnable {

		private static final long serialVersionUID = 1L;

		private static final int RUNNING = 0;

		private static final int INTERRUPTING = 1;

		private static final int INTERRUPTED = 2;

		private static final int FINISHED = 3;

		private final transient Thread thread;

		private final transient Call call;

		private final transient @Nullable CleanupMethod cleanup;

		Deadline(Thread thread, Call call, @Nullable CleanupMethod cleanup) {
			this.thread = thread;
			this.call = call;
			this.cleanup = cleanup;
		}

		@Override
		public void run() {
			if (compareAndSet(RUNNING, INTERRUPTING)) {
				try {
					this.thread.interrupt();
				}
				finally {
					set(INTERRUPTED);
				}
				if (this.cleanup != null) {
					this.cleanup.run(this.call);
				}
			}
		}

		/**
		 * Called by the caller once the method is done.
		 * @return {@code true} if it finished before the deadline
		 */
		boolean finishInTime() {
			return compareAndSet(RUNNING, FINISHED);
		}

		/**
		 * Wait (briefly: the scheduler is between two statements) until the interrupt has
		 * been delivered, so that clearing the flag afterwards leaves none behind.
		 */
		void awaitInterruptDelivered() {
			while (get() != INTERRUPTED) {
				Thread.onSpinWait();
			}
		}

	}

}
