package dev.asyncutils.throttle;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.Call;
import dev.asyncutils.core.Failures;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.Stages;

/**
 * {@code @Throttle} for instances whose bucket lives in a remote store. Plain callers
 * block for the store's answer (at most its command timeout) and then for their permit;
 * asynchronous callers hold no thread: the answer arrives on the client's I/O thread, and
 * the method is started on the scheduler (never on that I/O thread), at once or when the
 * permit is due. A remote reservation is never given back: a caller that gives up leaves
 * its permit spent, which can only make the limit stricter.
 */
final class RemoteThrottleInvokers {

	private RemoteThrottleInvokers() {
	}

	static Invoker plain(RemoteThrottling remote, Invoker next) {
		return (call) -> {
			remote.acquire();
			return next.invoke(call);
		};
	}

	static Invoker stage(RemoteThrottling remote, Invoker next, ScheduledExecutorService scheduler) {
		return (call) -> {
			CompletableFuture<@Nullable Object> result = new CompletableFuture<>();
			remote.reserve().whenComplete((wait, failure) -> {
				if (failure != null) {
					// like the method, the caller's callbacks run on the scheduler, never
					// on
					// the client's I/O thread or the backend's timer thread
					Throwable cause = Failures.unwrap(failure);
					try {
						scheduler.execute(() -> result.completeExceptionally(cause));
					}
					catch (RejectedExecutionException ex) {
						result.completeExceptionally(cause);
					}
				}
				else if (!result.isDone()) {
					start(result, call, next, scheduler, wait);
				}
			});
			return result;
		};
	}

	private static void start(CompletableFuture<@Nullable Object> result, Call call, Invoker next,
			ScheduledExecutorService scheduler, long wait) {
		Runnable start = () -> {
			if (result.isDone()) {
				return;
			}
			CompletionStage<@Nullable Object> inner = Stages.invoke(next, call);
			Stages.propagateCancellation(result, inner);
			inner.whenComplete((value, failure) -> {
				if (failure != null) {
					result.completeExceptionally(Failures.unwrap(failure));
				}
				else {
					result.complete(value);
				}
			});
		};
		try {
			if (wait == 0) {
				scheduler.execute(start);
			}
			else {
				Future<?> timer = scheduler.schedule(start, wait, TimeUnit.NANOSECONDS);
				result.whenComplete((value, failure) -> {
					if (result.isCancelled()) {
						timer.cancel(false);
					}
				});
			}
		}
		catch (RejectedExecutionException ex) {
			result.completeExceptionally(ex);
		}
	}

}
