package dev.asyncutils.core;

import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Reactor glue shared by the capabilities. Only loaded when a method returns {@code Mono}
 * or {@code Flux}, which implies Reactor is on the classpath.
 */
public final class ReactorSupport {

	private ReactorSupport() {
	}

	/**
	 * Return a Reactor view of the shared scheduler, created once.
	 * @param scheduler the shared scheduler
	 * @return the Reactor scheduler running on its threads
	 */
	public static Scheduler scheduler(AsyncUtilsScheduler scheduler) {
		return scheduler
			.reactorScheduler(() -> Schedulers.fromExecutorService(scheduler.executor(), "async-utils-scheduler"));
	}

	/**
	 * A delay on the shared scheduler, for a call waiting on our time (a retry delay, a
	 * permit, a deadline): emits {@code 0} after {@code nanos} on a worker (never on a
	 * scheduler thread), with the call's context in place (see {@link CallContexts})
	 * while the signal travels downstream, so that the resubscription, the method and the
	 * subscriber's own operators run there with it. Fails with
	 * {@link AsyncUtilsScheduler#shuttingDown()} when the context begins to close first
	 * (or had already). Cancelling the subscription cancels the timer.
	 * @param scheduler the shared scheduler
	 * @param nanos the delay
	 * @param call the call that waits, for its context; {@code null} for none
	 * @return the delay
	 */
	public static Mono<Long> delay(AsyncUtilsScheduler scheduler, long nanos, @Nullable Call call) {
		return Mono.create((sink) -> {
			Delay delay = new Delay(sink, call);
			try {
				Future<?> timer = scheduler.executor().schedule(delay, nanos, TimeUnit.NANOSECONDS);
				sink.onCancel(() -> timer.cancel(false));
			}
			catch (RejectedExecutionException ex) {
				sink.error(ex);
			}
		});
	}

	/**
	 * Invoke the next link lazily, once per subscription, as a {@code Mono}.
	 * @param next the next link
	 * @param call the call
	 * @return a mono that invokes the link when subscribed
	 */
	@SuppressWarnings("unchecked")
	public static Mono<@Nullable Object> deferMono(Invoker next, Call call) {
		return Mono.defer(() -> {
			try {
				Object result = next.invoke(call);
				return (result != null) ? (Mono<@Nullable Object>) result : Mono.error(nullResult(call));
			}
			catch (Throwable ex) {
				return Mono.error(ex);
			}
		});
	}

	/**
	 * Invoke the next link lazily, once per subscription, as a {@code Flux}.
	 * @param next the next link
	 * @param call the call
	 * @return a flux that invokes the link when subscribed
	 */
	@SuppressWarnings("unchecked")
	public static Flux<@Nullable Object> deferFlux(Invoker next, Call call) {
		return Flux.defer(() -> {
			try {
				Object result = next.invoke(call);
				return (result != null) ? (Flux<@Nullable Object>) result : Flux.error(nullResult(call));
			}
			catch (Throwable ex) {
				return Flux.error(ex);
			}
		});
	}

	private record Delay(MonoSink<Long> sink, @Nullable Call call) implements AsyncUtilsScheduler.Abortable {

		@Override
		public void run() {
			Call call = this.call;
			if (call == null) {
				this.sink.success(0L);
				return;
			}
			try (CallContexts.Scope scope = call.enterContext()) {
				this.sink.success(0L);
			}
		}

		@Override
		public void abort(RejectedExecutionException reason) {
			this.sink.error(reason);
		}

	}

	private static NullPointerException nullResult(Call call) {
		return new NullPointerException("Method " + call.method().toGenericString() + " returned null");
	}

}
