package dev.asyncutils.timeout;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.Call;
import dev.asyncutils.core.DeadlineTimer;
import dev.asyncutils.core.Failures;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.Stages;

/**
 * {@code @Timeout} for {@code CompletionStage} methods: the returned stage fails with
 * {@link dev.asyncutils.TimeoutExceededException} at the deadline, without waiting for
 * the method's own stage, which is cancelled; the cleanup method runs once.
 *
 * <p>
 * A method that returns a plain {@code CompletableFuture} already completed normally, in
 * time, gets that very future back: nothing else is allocated but the deadline.
 */
final class StageTimeoutInvoker implements Invoker {

	private final TimeoutSettings settings;

	private final TimeoutStats stats;

	private final long timeoutNanos;

	private final Invoker next;

	private final DeadlineTimer timer;

	private final Executor executor;

	StageTimeoutInvoker(TimeoutSettings settings, TimeoutStats stats, Invoker next, DeadlineTimer timer,
			Executor executor) {
		this.settings = settings;
		this.stats = stats;
		this.timeoutNanos = settings.timeout().toNanos();
		this.next = next;
		this.timer = timer;
		this.executor = executor;
	}

	@Override
	public Object invoke(Call call) {
		// the call is kept only for a cleanup method, so that it need not outlive this
		// frame
		Deadline deadline = new Deadline((this.settings.cleanup() != null) ? call : null);
		this.timer.schedule(deadline, this.timeoutNanos);
		CompletionStage<@Nullable Object> inner = Stages.invoke(this.next, call);
		if (Stages.isDoneNormally(inner) && deadline.decide()) {
			this.stats.completed();
			return inner;
		}
		return deadline.watch(inner);
	}

	/**
	 * The deadline of one call and, unless the method's stage was already complete, the
	 * stage handed to the caller.
	 */
	private final class Deadline extends DeadlineTimer.Deadline
			implements Runnable, BiConsumer<@Nullable Object, @Nullable Throwable> {

		private static final VarHandle DECIDED;

		private static final VarHandle TIMED_OUT;

		static {
			try {
				MethodHandles.Lookup lookup = MethodHandles.lookup();
				DECIDED = lookup.findVarHandle(Deadline.class, "decided", boolean.class);
				TIMED_OUT = lookup.findVarHandle(Deadline.class, "timedOut", boolean.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		private final @Nullable Call call;

		/** Set once, by whichever comes first: the deadline or the inner completion. */
		@SuppressWarnings("unused")
		private volatile boolean decided;

		/**
		 * Claimed by whoever times the call out: the timer, or {@link #watch} when the
		 * deadline passed before the method returned its stage.
		 */
		@SuppressWarnings("unused")
		private volatile boolean timedOut;

		private volatile @Nullable CompletableFuture<@Nullable Object> result;

		private volatile @Nullable CompletionStage<?> inner;

		Deadline(@Nullable Call call) {
			this.call = call;
		}

		boolean decide() {
			return DECIDED.compareAndSet(this, false, true);
		}

		CompletableFuture<@Nullable Object> watch(CompletionStage<@Nullable Object> inner) {
			CompletableFuture<@Nullable Object> result = new CompletableFuture<>();
			this.result = result;
			this.inner = inner;
			result.whenComplete((value, failure) -> {
				if (result.isCancelled()) {
					if (decide()) {
						// called off by the caller: neither completed nor timed out
						StageTimeoutInvoker.this.stats.completed();
					}
					Stages.cancel(this.inner);
				}
			});
			if (this.decided) {
				// the deadline passed while the method was still returning its stage
				timeOut();
			}
			else {
				inner.whenComplete(this);
			}
			return result;
		}

		@Override
		protected boolean isFinished() {
			return this.decided;
		}

		@Override
		protected void expire() {
			if (!decide()) {
				return;
			}
			if (this.result == null) {
				// still returning its stage: watch() times the call out, unless it set
				// the result just now and missed the decision, hence timeOut()'s claim
				return;
			}
			try {
				StageTimeoutInvoker.this.executor.execute(this);
			}
			catch (RejectedExecutionException ex) {
				run();
			}
		}

		/** Times the call out, on the scheduler (never on the timer thread). */
		@Override
		public void run() {
			timeOut();
		}

		private void timeOut() {
			if (!TIMED_OUT.compareAndSet(this, false, true)) {
				return;
			}
			StageTimeoutInvoker.this.stats.timedOut(StageTimeoutInvoker.this.settings);
			// cancel first, so that whatever the inner call held (a slot, a permit) is
			// back before the caller sees the timeout
			Stages.cancel(this.inner);
			TimeoutSettings settings = StageTimeoutInvoker.this.settings;
			CompletableFuture<@Nullable Object> result = this.result;
			if (result != null && result.completeExceptionally(settings.exceeded())) {
				CleanupMethod cleanup = settings.cleanup();
				Call call = this.call;
				if (cleanup != null && call != null) {
					cleanup.run(call);
				}
			}
		}

		@Override
		public void accept(@Nullable Object value, @Nullable Throwable failure) {
			if (!decide()) {
				return;
			}
			StageTimeoutInvoker.this.stats.completed();
			CompletableFuture<@Nullable Object> result = this.result;
			if (failure != null) {
				result.completeExceptionally(Failures.unwrap(failure));
			}
			else {
				result.complete(value);
			}
		}

	}

}
