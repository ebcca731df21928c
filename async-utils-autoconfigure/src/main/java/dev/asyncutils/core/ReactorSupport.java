package dev.asyncutils.core;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
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

	private static NullPointerException nullResult(Call call) {
		return new NullPointerException("Method " + call.method().toGenericString() + " returned null");
	}

}
