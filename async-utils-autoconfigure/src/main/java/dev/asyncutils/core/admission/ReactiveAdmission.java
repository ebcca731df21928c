package dev.asyncutils.core.admission;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

import dev.asyncutils.core.Failures;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.ReactorSupport;

/**
 * {@code Mono} and {@code Flux} methods under an admission guard: each subscription takes
 * a permit and holds it from subscribe until it terminates or is cancelled. One admitted
 * later waits without holding a thread and subscribes to the method on the scheduler; a
 * subscription cancelled while it waits gives its permit back. Only loaded when Reactor
 * is present.
 */
final class ReactiveAdmission {

	private ReactiveAdmission() {
	}

	static Invoker mono(Admission admission, Invoker next, ScheduledExecutorService timers, Scheduler scheduler) {
		boolean recording = admission.recordsOutcome();
		return (call) -> Mono.defer(() -> {
			Admission chosen = admission.forCall(call);
			Permit permit = recording ? null : chosen.tryAdmit();
			if (permit == Permit.NONE) {
				return ReactorSupport.deferMono(next, call);
			}
			if (permit != null) {
				Permit held = permit;
				return ReactorSupport.deferMono(next, call).doFinally((signal) -> held.release());
			}
			return Mono.usingWhen(later(chosen, timers, scheduler), (lease) -> ReactorSupport.deferMono(next, call),
					(lease) -> release(lease.permit, null, lease.start, recording),
					(lease, failure) -> release(lease.permit, failure, lease.start, recording),
					(lease) -> release(lease.permit, null, -1, false));
		});
	}

	static Invoker flux(Admission admission, Invoker next, ScheduledExecutorService timers, Scheduler scheduler) {
		boolean recording = admission.recordsOutcome();
		return (call) -> Flux.defer(() -> {
			Admission chosen = admission.forCall(call);
			Permit permit = recording ? null : chosen.tryAdmit();
			if (permit == Permit.NONE) {
				return ReactorSupport.deferFlux(next, call);
			}
			if (permit != null) {
				Permit held = permit;
				return ReactorSupport.deferFlux(next, call).doFinally((signal) -> held.release());
			}
			return Flux.usingWhen(later(chosen, timers, scheduler), (lease) -> ReactorSupport.deferFlux(next, call),
					(lease) -> release(lease.permit, null, lease.start, recording),
					(lease, failure) -> release(lease.permit, failure, lease.start, recording),
					(lease) -> release(lease.permit, null, -1, false));
		});
	}

	private static Mono<Void> release(Permit permit, @Nullable Throwable failure, long start, boolean recording) {
		return Mono.fromRunnable(() -> {
			if (recording) {
				permit.release(failure, System.nanoTime() - start);
			}
			else {
				permit.release();
			}
		});
	}

	/**
	 * A mono of the permit: delivered at once when the guard decides at once, else on the
	 * scheduler. Cancelling it stops waiting and gives back a permit granted meanwhile
	 * but not delivered yet.
	 */
	private static Mono<Lease> later(Admission admission, ScheduledExecutorService timers, Scheduler scheduler) {
		return Mono.create((sink) -> {
			CompletableFuture<Permit> future = admission.admitLater(timers);
			if (future.isDone()) {
				try {
					sink.success(new Lease(future.join()));
				}
				catch (CompletionException | CancellationException ex) {
					sink.error(Failures.unwrap(ex));
				}
				return;
			}
			Handoff handoff = new Handoff(future, sink, scheduler);
			sink.onCancel(handoff::cancel);
			future.whenComplete(handoff);
		});
	}

	/**
	 * Hands a permit granted later to its subscription on the scheduler, exactly once;
	 * whoever sets the flag first (the delivery or the cancellation) owns the permit.
	 */
	private static final class Handoff extends AtomicBoolean implements BiConsumer<Permit, Throwable>, Runnable {

		private static final long serialVersionUID = 1L;

		private final transient CompletableFuture<Permit> future;

		private final transient MonoSink<Lease> sink;

		private final transient Scheduler scheduler;

		private transient volatile @Nullable Permit permit;

		private transient volatile @Nullable Throwable failure;

		Handoff(CompletableFuture<Permit> future, MonoSink<Lease> sink, Scheduler scheduler) {
			this.future = future;
			this.sink = sink;
			this.scheduler = scheduler;
		}

		@Override
		public void accept(@Nullable Permit permit, @Nullable Throwable failure) {
			this.permit = permit;
			this.failure = (failure != null) ? Failures.unwrap(failure) : null;
			try {
				this.scheduler.schedule(this);
			}
			catch (RejectedExecutionException ex) {
				if (compareAndSet(false, true)) {
					if (permit != null) {
						permit.release();
					}
					Throwable cause = this.failure;
					this.sink.error((cause != null) ? cause : ex);
				}
			}
		}

		@Override
		public void run() {
			if (!compareAndSet(false, true)) {
				return;
			}
			Throwable failure = this.failure;
			Permit permit = this.permit;
			if (failure != null || permit == null) {
				this.sink.error((failure != null) ? failure : new IllegalStateException("no permit"));
			}
			else {
				this.sink.success(new Lease(permit));
			}
		}

		void cancel() {
			if (compareAndSet(false, true)) {
				if (!this.future.cancel(false) && !this.future.isCompletedExceptionally()) {
					this.future.join().release();
				}
			}
		}

	}

	/**
	 * A permit in use by one subscription, and when it started.
	 */
	private static final class Lease {

		final Permit permit;

		final long start = System.nanoTime();

		Lease(Permit permit) {
			this.permit = permit;
		}

	}

}
