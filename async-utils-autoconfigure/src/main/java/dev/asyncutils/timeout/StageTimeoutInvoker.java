package dev.asyncutils.timeout;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.AsyncUtilsScheduler;
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

		private static final int PENDING = 0;

		private static final int COMPLETED = 1;

		private static final int EXPIRED = 2;

		private static final int ABORTED = 3;

		private static final VarHandle VERDICT;

		private static final VarHandle ENDED;

		static {
			try {
				MethodHandles.Lookup lookup = MethodHandles.lookup();
				VERDICT = lookup.findVarHandle(Deadline.class, "verdict", int.class);
				ENDED = lookup.findVarHandle(Deadline.class, "ended", boolean.class);
			}
			catch (ReflectiveOperationException ex) {
				throw new ExceptionInInitializerError(ex);
			}
		}

		private final @Nullable Call call;

		/**
		 * Set once, by whichever comes first: the inner completion ({@link #COMPLETED}),
		 * the deadline ({@link #EXPIRED}) or the shutdown ({@link #ABORTED}).
		 */
		@SuppressWarnings("unused")
		private volatile int verdict;

		/**
		 * Claimed by whoever ends the call for the deadline or the shutdown: a worker, or
		 * {@link #watch} when the verdict came before the method returned its stage.
		 */
		@SuppressWarnings("unused")
		private volatile boolean ended;

		private volatile @Nullable CompletableFuture<@Nullable Object> result;

		private volatile @Nullable CompletionStage<?> inner;

		Deadline(@Nullable Call call) {
			this.call = call;
		}

		boolean decide() {
			return VERDICT.compareAndSet(this, PENDING, COMPLETED);
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
			if (this.verdict != PENDING) {
				// the deadline passed (or the shutdown came) while the method was still
				// returning its stage: end the call on a worker all the same, so that the
				// cleanup method and the caller's dependent stages never run here
				StageTimeoutInvoker.this.executor.execute(this);
			}
			else {
				inner.whenComplete(this);
			}
			return result;
		}

		@Override
		protected boolean isFinished() {
			return this.verdict != PENDING;
		}

		@Override
		protected void expire() {
			decideEnd(EXPIRED);
		}

		/** An asynchronous call only waits: it ends at once, whatever the phase. */
		@Override
		protected void shutdown(boolean stopping) {
			decideEnd(ABORTED);
		}

		private void decideEnd(int verdict) {
			if (!VERDICT.compareAndSet(this, PENDING, verdict)) {
				return;
			}
			if (this.result == null) {
				// still returning its stage: watch() ends the call, unless it set the
				// result just now and missed the verdict, hence end()'s claim
				return;
			}
			StageTimeoutInvoker.this.executor.execute(this);
		}

		/** Ends the call for the deadline or the shutdown, on a worker. */
		@Override
		public void run() {
			end();
		}

		private void end() {
			if (!ENDED.compareAndSet(this, false, true)) {
				return;
			}
			boolean aborted = this.verdict == ABORTED;
			if (!aborted) {
				StageTimeoutInvoker.this.stats.timedOut(StageTimeoutInvoker.this.settings);
			}
			// cancel first, so that whatever the inner call held (a slot, a permit) is
			// back before the caller sees the outcome
			Stages.cancel(this.inner);
			TimeoutSettings settings = StageTimeoutInvoker.this.settings;
			CompletableFuture<@Nullable Object> result = this.result;
			if (result != null && result
				.completeExceptionally(aborted ? AsyncUtilsScheduler.shuttingDown() : settings.exceeded())) {
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
