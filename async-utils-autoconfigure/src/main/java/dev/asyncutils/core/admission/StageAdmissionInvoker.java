package dev.asyncutils.core.admission;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.Call;
import dev.asyncutils.core.Failures;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.Stages;

/**
 * {@code CompletionStage} methods under an admission guard: the permit is held until the
 * stage the method returned completes, and given back before the caller's stage
 * completes. A call admitted at once runs on the caller's thread; one admitted later gets
 * a future at once and holds no thread: the method starts on the scheduler when the
 * permit comes (never on the thread that granted it), and the caller's callbacks of a
 * later rejection run there too. Cancelling that future before the start gives the permit
 * back (the guard leaves its line or returns its reservation); after the start it cancels
 * the method's stage.
 */
final class StageAdmissionInvoker implements Invoker {

	private final Admission admission;

	private final Invoker next;

	private final ScheduledExecutorService scheduler;

	private final boolean recording;

	StageAdmissionInvoker(Admission admission, Invoker next, ScheduledExecutorService scheduler) {
		this.admission = admission;
		this.next = next;
		this.scheduler = scheduler;
		this.recording = admission.recordsOutcome();
	}

	@Override
	public Object invoke(Call call) {
		Admission admission = this.admission.forCall(call);
		Permit permit = admission.tryAdmit();
		if (permit == null) {
			// the method may start on a worker
			call.captureContext();
			CompletableFuture<Permit> later = admission.admitLater(this.scheduler);
			if (!later.isDone()) {
				return new DelayedStart(call, later).result;
			}
			try {
				permit = later.join();
			}
			catch (CompletionException | CancellationException ex) {
				return CompletableFuture.failedFuture(Failures.unwrap(ex));
			}
		}
		// the method is invoked here rather than in holdUntilComplete: one frame less on
		// the way to it for the compiler's inlining depth
		long start = this.recording ? System.nanoTime() : 0L;
		return holdUntilComplete(permit, Stages.invoke(this.next, call), start);
	}

	private CompletionStage<@Nullable Object> holdUntilComplete(Permit permit, CompletionStage<@Nullable Object> stage,
			long start) {
		if (permit == Permit.NONE && !this.recording) {
			return stage;
		}
		if (Stages.isDoneNormally(stage)) {
			release(permit, null, start);
			return stage;
		}
		// released before the caller's callbacks run: a stage's own callbacks run in no
		// set order, and a caller chaining its next call onto this one must find the slot
		// free (the outcome recorded)
		CompletableFuture<@Nullable Object> result = new CompletableFuture<>();
		completeAfterRelease(stage, result, permit, start);
		// the caller cancelling (or completing) its stage first ends the method's stage,
		// whose completion gives the permit back
		result.whenComplete((value, failure) -> Stages.cancel(stage));
		return result;
	}

	/**
	 * When the method's stage ends, give the permit back (recording the outcome), then
	 * pass the outcome on to the stage the caller holds.
	 */
	private void completeAfterRelease(CompletionStage<@Nullable Object> inner,
			CompletableFuture<@Nullable Object> result, Permit permit, long start) {
		inner.whenComplete((value, failure) -> {
			release(permit, failure, start);
			if (failure != null) {
				result.completeExceptionally(Failures.unwrap(failure));
			}
			else {
				result.complete(value);
			}
		});
	}

	private void release(Permit permit, @Nullable Throwable failure, long start) {
		if (this.recording) {
			permit.release((failure != null) ? Failures.unwrap(failure) : null, System.nanoTime() - start);
		}
		else {
			permit.release();
		}
	}

	/**
	 * A call waiting for its permit: starts exactly once, or never if cancelled first.
	 * Whoever sets the flag first (the start or the cancellation) owns the permit.
	 */
	private final class DelayedStart extends AtomicBoolean {

		private static final long serialVersionUID = 1L;

		final transient CompletableFuture<@Nullable Object> result = new CompletableFuture<>();

		private final transient Call call;

		DelayedStart(Call call, CompletableFuture<Permit> later) {
			this.call = call;
			this.result.whenComplete((value, failure) -> {
				if (this.result.isCancelled() && compareAndSet(false, true)) {
					// stops waiting; a permit granted but not started yet goes back
					if (!later.cancel(false) && !later.isCompletedExceptionally()) {
						later.join().release();
					}
				}
			});
			later.whenComplete((permit, failure) -> {
				if (failure != null) {
					fail(Failures.unwrap(failure));
				}
				else {
					schedule(permit);
				}
			});
		}

		private void fail(Throwable failure) {
			if (this.result.isDone()) {
				return;
			}
			try {
				StageAdmissionInvoker.this.scheduler.execute(() -> this.result.completeExceptionally(failure));
			}
			catch (RejectedExecutionException ex) {
				this.result.completeExceptionally(failure);
			}
		}

		private void schedule(Permit permit) {
			try {
				StageAdmissionInvoker.this.scheduler.execute(() -> start(permit));
			}
			catch (RejectedExecutionException ex) {
				if (compareAndSet(false, true)) {
					permit.release();
					this.result.completeExceptionally(ex);
				}
			}
		}

		private void start(Permit permit) {
			if (!compareAndSet(false, true)) {
				// cancelled meanwhile: the cancellation gave the permit back
				return;
			}
			long start = StageAdmissionInvoker.this.recording ? System.nanoTime() : 0L;
			CompletionStage<@Nullable Object> inner = Stages.invoke(StageAdmissionInvoker.this.next, this.call);
			completeAfterRelease(inner, this.result, permit, start);
			Stages.propagateCancellation(this.result, inner);
		}

	}

}
