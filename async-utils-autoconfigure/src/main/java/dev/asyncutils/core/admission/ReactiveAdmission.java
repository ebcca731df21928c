package dev.asyncutils.core.admission;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.publisher.SignalType;
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
				Release release = new Release(permit);
				return ReactorSupport.deferMono(next, call).doOnTerminate(release).doFinally(release);
			}
			return Mono.usingWhen(later(chosen, timers, scheduler),
					(lease) -> lease.use() ? ReactorSupport.deferMono(next, call) : Mono.empty(),
					(lease) -> lease.end(null, recording), (lease, failure) -> lease.end(failure, recording),
					(lease) -> lease.end(null, false));
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
				Release release = new Release(permit);
				return ReactorSupport.deferFlux(next, call).doOnTerminate(release).doFinally(release);
			}
			return Flux.usingWhen(later(chosen, timers, scheduler),
					(lease) -> lease.use() ? ReactorSupport.deferFlux(next, call) : Flux.empty(),
					(lease) -> lease.end(null, recording), (lease, failure) -> lease.end(failure, recording),
					(lease) -> lease.end(null, false));
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
				Lease lease;
				try {
					lease = new Lease(future.join());
				}
				catch (CompletionException | CancellationException ex) {
					sink.error(Failures.unwrap(ex));
					return;
				}
				// a lease dropped by a cancelled sink is never used: give it back
				sink.onCancel(lease::drop);
				sink.success(lease);
				return;
			}
			Handoff handoff = new Handoff(future, sink, scheduler);
			sink.onCancel(handoff::cancel);
			future.whenComplete(handoff);
		});
	}

	/**
	 * Hands a permit granted later to its subscription on the scheduler, exactly once;
	 * whoever sets the flag first (the delivery or the cancellation) owns the permit. A
	 * cancellation that loses to the delivery drops the lease: the sink, cancelled
	 * already, discards it rather than passing it on, and only the lease can tell.
	 */
	private static final class Handoff extends AtomicBoolean implements BiConsumer<Permit, Throwable>, Runnable {

		private static final long serialVersionUID = 1L;

		private final transient CompletableFuture<Permit> future;

		private final transient MonoSink<Lease> sink;

		private final transient Scheduler scheduler;

		private transient volatile @Nullable Permit permit;

		private transient volatile @Nullable Throwable failure;

		private transient volatile @Nullable Lease lease;

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
			Throwable failure = this.failure;
			Permit permit = this.permit;
			if (failure != null || permit == null) {
				if (compareAndSet(false, true)) {
					this.sink.error((failure != null) ? failure : new IllegalStateException("no permit"));
				}
				return;
			}
			// published before the flag, so that a cancellation losing the flag finds it
			Lease lease = new Lease(permit);
			this.lease = lease;
			if (compareAndSet(false, true)) {
				this.sink.success(lease);
			}
		}

		void cancel() {
			if (compareAndSet(false, true)) {
				if (!this.future.cancel(false) && !this.future.isCompletedExceptionally()) {
					this.future.join().release();
				}
				return;
			}
			Lease lease = this.lease;
			if (lease != null) {
				lease.drop();
			}
		}

	}

	/**
	 * The permit of a subscription admitted at once, given back exactly once: when the
	 * {@code Mono} emits its value or terminates, or the {@code Flux} terminates, before
	 * the signal travels downstream (so that a subscriber chaining its next call onto the
	 * end of this one finds the slot free); when either is cancelled, after the
	 * cancellation reached the method's publisher (so that no call starts in its slot
	 * while it still runs).
	 */
	private static final class Release extends AtomicBoolean implements Runnable, Consumer<SignalType> {

		private static final long serialVersionUID = 1L;

		private final transient Permit permit;

		Release(Permit permit) {
			this.permit = permit;
		}

		@Override
		public void run() {
			if (compareAndSet(false, true)) {
				this.permit.release();
			}
		}

		@Override
		public void accept(SignalType signal) {
			run();
		}

	}

	/**
	 * A permit offered to one subscription: used by it (then released once when it
	 * terminates or is cancelled), or dropped unused (then released at once), never both.
	 */
	private static final class Lease extends AtomicInteger {

		private static final long serialVersionUID = 1L;

		private static final int OFFERED = 0;

		private static final int USED = 1;

		private static final int ENDED = 2;

		final transient Permit permit;

		final long start = System.nanoTime();

		Lease(Permit permit) {
			this.permit = permit;
		}

		/**
		 * The subscription starts the call with this lease.
		 * @return {@code false} if the lease was dropped meanwhile
		 */
		boolean use() {
			return compareAndSet(OFFERED, USED);
		}

		/**
		 * Give the permit back if no call uses it.
		 */
		void drop() {
			if (compareAndSet(OFFERED, ENDED)) {
				this.permit.release();
			}
		}

		/**
		 * The call that used the lease ended: give its permit back, once.
		 * @param failure what the call failed with, {@code null} if it succeeded or was
		 * cancelled
		 * @param recording whether to record the outcome
		 * @return the release, run on subscribe
		 */
		Mono<Void> end(@Nullable Throwable failure, boolean recording) {
			return Mono.fromRunnable(() -> {
				if (!compareAndSet(USED, ENDED)) {
					return;
				}
				if (recording) {
					this.permit.release(failure, System.nanoTime() - this.start);
				}
				else {
					this.permit.release();
				}
			});
		}

	}

}
