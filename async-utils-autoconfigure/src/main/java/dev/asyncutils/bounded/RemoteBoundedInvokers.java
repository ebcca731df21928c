package dev.asyncutils.bounded;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.Call;
import dev.asyncutils.core.Failures;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.Stages;

/**
 * {@code @Bounded} for instances whose slots live in a remote store. A slot is held for
 * the call (plain) or until the returned stage completes, and released exactly once on
 * every path. Asynchronous callers hold no thread while they wait; the method is started
 * on the scheduler, never on the client's I/O thread.
 */
final class RemoteBoundedInvokers {

	private RemoteBoundedInvokers() {
	}

	static Invoker plain(RemoteSlots slots, Invoker next) {
		return (call) -> {
			RemoteSlots.Lease lease = slots.acquireBlocking();
			try {
				return next.invoke(call);
			}
			finally {
				lease.release();
			}
		};
	}

	static Invoker stage(RemoteSlots slots, Invoker next, ScheduledExecutorService scheduler) {
		return (call) -> {
			CompletableFuture<@Nullable Object> result = new CompletableFuture<>();
			CompletableFuture<RemoteSlots.Lease> slot = slots.acquire();
			result.whenComplete((value, failure) -> {
				if (result.isCancelled()) {
					// stops waiting; a slot granted meanwhile is given back
					slot.cancel(false);
				}
			});
			slot.whenComplete((lease, failure) -> {
				if (failure != null) {
					// like the method, the caller's callbacks run on the scheduler, never
					// on
					// the client's I/O thread or the backend's timer thread
					fail(result, Failures.unwrap(failure), scheduler);
					return;
				}
				try {
					scheduler.execute(() -> run(result, lease, call, next));
				}
				catch (RejectedExecutionException ex) {
					lease.release();
					result.completeExceptionally(ex);
				}
			});
			return result;
		};
	}

	private static void fail(CompletableFuture<@Nullable Object> result, Throwable failure,
			ScheduledExecutorService scheduler) {
		try {
			scheduler.execute(() -> result.completeExceptionally(failure));
		}
		catch (RejectedExecutionException ex) {
			result.completeExceptionally(failure);
		}
	}

	private static void run(CompletableFuture<@Nullable Object> result, RemoteSlots.Lease lease, Call call,
			Invoker next) {
		if (result.isDone()) {
			lease.release();
			return;
		}
		CompletionStage<@Nullable Object> inner = Stages.invoke(next, call);
		inner.whenComplete((value, failure) -> {
			lease.release();
			if (failure != null) {
				result.completeExceptionally(Failures.unwrap(failure));
			}
			else {
				result.complete(value);
			}
		});
		Stages.propagateCancellation(result, inner);
	}

}
