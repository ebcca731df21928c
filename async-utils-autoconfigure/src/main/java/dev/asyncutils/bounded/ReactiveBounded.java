package dev.asyncutils.bounded;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;

import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.ReactorSupport;

/**
 * {@code @Bounded} for {@code Mono} and {@code Flux}: each subscription holds a slot from
 * subscribe until it terminates or is cancelled. A subscription that finds no free slot
 * waits in line without holding a thread.
 */
final class ReactiveBounded {

	private ReactiveBounded() {
	}

	static Invoker mono(BoundedLimiter limiter, Invoker next, Scheduler scheduler) {
		return (call) -> Mono.defer(() -> {
			if (limiter.tryAcquire()) {
				return ReactorSupport.deferMono(next, call).doFinally((signal) -> limiter.release());
			}
			return Mono.usingWhen(slot(limiter, scheduler), (lease) -> {
				lease.start();
				return ReactorSupport.deferMono(next, call);
			}, (lease) -> release(lease, limiter), (lease, failure) -> release(lease, limiter),
					(lease) -> release(lease, limiter));
		});
	}

	static Invoker flux(BoundedLimiter limiter, Invoker next, Scheduler scheduler) {
		return (call) -> Flux.defer(() -> {
			if (limiter.tryAcquire()) {
				return ReactorSupport.deferFlux(next, call).doFinally((signal) -> limiter.release());
			}
			return Flux.usingWhen(slot(limiter, scheduler), (lease) -> {
				lease.start();
				return ReactorSupport.deferFlux(next, call);
			}, (lease) -> release(lease, limiter), (lease, failure) -> release(lease, limiter),
					(lease) -> release(lease, limiter));
		});
	}

	private static Mono<Void> release(BoundedLimiter.Waiter lease, BoundedLimiter limiter) {
		return Mono.fromRunnable(() -> lease.releaseGranted(limiter));
	}

	/**
	 * A mono that emits a granted slot (a lease) once this subscriber's turn comes.
	 */
	private static Mono<BoundedLimiter.Waiter> slot(BoundedLimiter limiter, Scheduler scheduler) {
		return Mono.create((sink) -> {
			if (limiter.maxWaitNanos() == 0) {
				sink.error(limiter.rejected(BoundedLimiter.NO_WAIT));
				return;
			}
			SinkWaiter waiter = new SinkWaiter(sink, limiter, scheduler);
			int outcome = limiter.enqueue(waiter);
			if (outcome == BoundedLimiter.TAKEN) {
				waiter.grant();
				sink.success(waiter);
				return;
			}
			if (outcome == BoundedLimiter.FULL) {
				sink.error(limiter.rejected(BoundedLimiter.QUEUE_FULL));
				return;
			}
			Disposable timer = (limiter.maxWaitNanos() == Long.MAX_VALUE) ? null : scheduler.schedule(() -> {
				if (limiter.abandon(waiter)) {
					sink.error(limiter.rejected(BoundedLimiter.WAITED_TOO_LONG));
				}
			}, limiter.maxWaitNanos(), TimeUnit.NANOSECONDS);
			sink.onCancel(() -> {
				if (!limiter.abandon(waiter)) {
					waiter.releaseUnstarted(limiter);
				}
			});
			if (timer != null) {
				// granted, rejected or cancelled: the timer has nothing left to do, and
				// must not keep this subscription reachable until max-wait passes
				sink.onDispose(timer);
			}
		});
	}

	private static final class SinkWaiter extends BoundedLimiter.Waiter {

		private static final long serialVersionUID = 1L;

		private final transient MonoSink<BoundedLimiter.Waiter> sink;

		private final transient BoundedLimiter limiter;

		private final transient Scheduler scheduler;

		SinkWaiter(MonoSink<BoundedLimiter.Waiter> sink, BoundedLimiter limiter, Scheduler scheduler) {
			this.sink = sink;
			this.limiter = limiter;
			this.scheduler = scheduler;
		}

		@Override
		void granted() {
			try {
				this.scheduler.schedule(() -> this.sink.success(this));
			}
			catch (RejectedExecutionException ex) {
				releaseUnstarted(this.limiter);
				this.sink.error(ex);
			}
		}

	}

}
