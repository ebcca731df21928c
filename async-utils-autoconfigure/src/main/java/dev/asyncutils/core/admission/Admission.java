package dev.asyncutils.core.admission;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

import org.jspecify.annotations.Nullable;

/**
 * A guard that decides whether a call may start now, later, or never: a throttle bucket
 * or a bounded limit, in this JVM or in a remote store, or a circuit breaker. One
 * instance serves every method and every programmatic caller of its name; the invokers of
 * {@link AdmissionInvokers} run it for each return kind.
 *
 * <p>
 * Every admission gives the caller a {@link Permit} that the caller releases exactly
 * once. A rejection is the guard's own exception ({@code ThrottleRejectedException},
 * {@code BoundedRejectedException}, {@code CircuitOpenException}), thrown by
 * {@link #admit()} or failing the future of
 * {@link #admitLater(ScheduledExecutorService)}.
 */
public interface Admission {

	/**
	 * Admit the call if it may start right now: lock-free, never waits, never blocks,
	 * allocates nothing, and counts nothing when it answers {@code null}. A guard that
	 * cannot tell without asking a remote store answers {@code null}.
	 * @return the permit, or {@code null} when the call must go through {@link #admit()}
	 * or {@link #admitLater(ScheduledExecutorService)}
	 */
	@Nullable Permit tryAdmit();

	/**
	 * Admit the call, waiting on this thread (interruptibly, at most the guard's
	 * max-wait).
	 * @return the permit
	 * @throws RuntimeException the guard's rejection: no permit within max-wait, line
	 * full, interrupted (the interrupt flag is then set), shutting down
	 */
	Permit admit();

	/**
	 * Admit the call later, without holding a thread. The future completes with the
	 * permit on any thread (a timer, a releasing caller, a client's I/O thread), or
	 * exceptionally with the guard's rejection. Cancelling it stops waiting and gives
	 * back a permit granted meanwhile; a permit that arrives after the cancellation is
	 * given back by the guard.
	 * @param scheduler the scheduler for timers (waits, max-wait)
	 * @return the future permit, possibly already done
	 */
	CompletableFuture<Permit> admitLater(ScheduledExecutorService scheduler);

	/**
	 * Return the guard for one call: this one, or the one the call's arguments choose
	 * (the bucket or limit of the call's key, for as many permits as it takes). The
	 * invokers ask it once per call (per subscription), before admitting.
	 * @param call the call
	 * @return the guard that admits it
	 */
	default Admission forCall(dev.asyncutils.core.Call call) {
		return this;
	}

	/**
	 * Return whether the guard learns from the outcome of its calls: the invokers then
	 * measure each call and release through {@link Permit#release(Throwable, long)}.
	 * @return {@code false} by default
	 */
	default boolean recordsOutcome() {
		return false;
	}

	/**
	 * Return whether a guard that records outcomes needs each call's duration: when it
	 * does not, the plain invoker reads no clock and releases with a duration of
	 * {@code 0}.
	 * @return {@link #recordsOutcome()} by default
	 */
	default boolean measuresDuration() {
		return recordsOutcome();
	}

	/**
	 * The application is shutting down: end every call waiting for this guard at once
	 * with {@link java.util.concurrent.RejectedExecutionException} (see
	 * {@link WaitingCalls#shuttingDown()}), and refuse new waits the same way. Calls
	 * holding a permit keep it and release it as usual. Idempotent, never blocks.
	 */
	default void shutDown() {
	}

}
