package dev.asyncutils.core.admission;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.LockSupport;

import dev.asyncutils.core.AsyncUtilsScheduler;

/**
 * The calls waiting for one admission guard that the guard does not keep in a line of its
 * own: threads parked until their permit is due, futures of later grants. Only the slow
 * path registers here; admitting a call at once touches nothing.
 *
 * <p>
 * When the application shuts down ({@link #shutDown()}), every future registered fails
 * with {@link #shuttingDown()}, every parked thread wakes up and sees
 * {@link #isShutDown()}, and new waits are refused: nobody waits for a permit that no
 * timer will ever hand out.
 */
public final class WaitingCalls {

	private static final String SHUTTING_DOWN = AsyncUtilsScheduler.shuttingDown().getMessage();

	private final Set<Object> waiting = ConcurrentHashMap.newKeySet();

	private volatile boolean shutDown;

	/**
	 * Return a new exception for a call that ends because the application is shutting
	 * down.
	 * @return the exception, one per call
	 */
	public static RejectedExecutionException shuttingDown() {
		return AsyncUtilsScheduler.shuttingDown();
	}

	/**
	 * Return whether a failure is the end of a call because the application is shutting
	 * down ({@link #shuttingDown()} or {@link AsyncUtilsScheduler#shuttingDown()}): no
	 * failure of the call itself.
	 * @param failure the failure, unwrapped
	 * @return {@code true} if it is the shutdown's rejection
	 */
	public static boolean isShuttingDown(Throwable failure) {
		return failure.getClass() == RejectedExecutionException.class && SHUTTING_DOWN.equals(failure.getMessage());
	}

	/**
	 * Return whether the application is shutting down.
	 * @return {@code true} once {@link #shutDown()} ran
	 */
	public boolean isShutDown() {
		return this.shutDown;
	}

	/**
	 * Register a future that waits; it leaves the set when it completes. If the
	 * application is shutting down, the future fails at once.
	 * @param <T> the future's value type
	 * @param future the future
	 * @return the same future
	 */
	public <T> CompletableFuture<T> watch(CompletableFuture<T> future) {
		this.waiting.add(future);
		future.whenComplete((value, failure) -> this.waiting.remove(future));
		if (this.shutDown) {
			future.completeExceptionally(shuttingDown());
		}
		return future;
	}

	/**
	 * Register the current thread before it parks; it must call {@link #leave()} after.
	 * @throws RejectedExecutionException if the application is shutting down
	 */
	public void enter() {
		if (this.shutDown) {
			throw shuttingDown();
		}
		this.waiting.add(Thread.currentThread());
	}

	/**
	 * Unregister the current thread.
	 */
	public void leave() {
		this.waiting.remove(Thread.currentThread());
	}

	/**
	 * End every waiting call and refuse new waits. Idempotent; never blocks.
	 */
	public void shutDown() {
		this.shutDown = true;
		for (Object waiter : this.waiting) {
			if (waiter instanceof Thread thread) {
				LockSupport.unpark(thread);
			}
			else if (waiter instanceof CompletableFuture<?> future) {
				future.completeExceptionally(shuttingDown());
			}
		}
	}

}
