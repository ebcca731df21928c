package dev.asyncutils.circuitbreaker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.asyncutils.CircuitOpenException;
import dev.asyncutils.CircuitState;
import dev.asyncutils.core.Signals;
import dev.asyncutils.core.admission.Permit;

/**
 * One circuit breaker: the state machine shared by every method with its name.
 *
 * <p>
 * The state is an immutable {@link Phase} swapped by compare-and-set: a closed phase owns
 * the window its calls record into, a half-open phase counts its trial calls. A call
 * remembers the phase that admitted it and records its outcome there, so that a call
 * admitted before a transition never counts in the phase after it. Admitting a call in
 * the closed state is one volatile read; recording a success that replaces a success in a
 * count-based window is one atomic increment and one read (plus a counter for the
 * meters). Nothing allocates except a transition.
 *
 * <p>
 * Closed → open when at least minimum-calls are recorded in the window and the failure
 * rate or the slow-call rate reaches its threshold. Open → half-open at the first call
 * after wait-in-open. Half-open → closed (with an empty window) once half-open-calls
 * trial calls succeeded; → open at the first trial call that fails or is slow. A trial
 * call whose outcome counts neither way (ignored, cancelled, rejected below) gives its
 * place back.
 *
 * <p>
 * Obtain an instance from {@link CircuitBreakerRegistry} to read its state.
 */
public final class Circuit {

	private static final Log logger = LogFactory.getLog(Circuit.class);

	private static final AtomicReferenceFieldUpdater<Circuit, Phase> PHASE = AtomicReferenceFieldUpdater
		.newUpdater(Circuit.class, Phase.class, "phase");

	private final BreakerSettings settings;

	private final LongSupplier clock;

	private final long waitNanos;

	private final long slowNanos;

	/** Whether recording an outcome needs the time: slow calls or a time-based window. */
	private final boolean timed;

	private final CountedFailures countedFailures;

	private volatile Phase phase;

	private final LongAdder successes = new LongAdder();

	private final LongAdder failures = new LongAdder();

	private final LongAdder slowCalls = new LongAdder();

	private final LongAdder notPermitted = new LongAdder();

	private volatile Signals signals = Signals.NONE;

	private final LongAdder ignored = new LongAdder();

	private final LongAdder transitions = new LongAdder();

	private final List<BiConsumer<CircuitState, CircuitState>> listeners = new CopyOnWriteArrayList<>();

	/**
	 * Create a closed breaker.
	 * @param settings the validated settings
	 * @param clock the time in nanoseconds ({@code System::nanoTime})
	 */
	public Circuit(BreakerSettings settings, LongSupplier clock) {
		this.settings = settings;
		this.clock = clock;
		this.waitNanos = settings.waitInOpen().toNanos();
		this.slowNanos = (settings.slowCallDuration() != null) ? settings.slowCallDuration().toNanos() : Long.MAX_VALUE;
		this.timed = settings.slowCallDuration() != null || settings.timeBased();
		this.countedFailures = new CountedFailures(settings);
		this.phase = closed(clock.getAsLong());
	}

	/**
	 * Return the settings of this breaker.
	 * @return the settings
	 */
	public BreakerSettings settings() {
		return this.settings;
	}

	/**
	 * Return the instance name.
	 * @return the name
	 */
	public String name() {
		return this.settings.name();
	}

	/**
	 * Return the current state. An open breaker whose wait is over reports
	 * {@link CircuitState#OPEN} until the next call makes it half-open.
	 * @return the state
	 */
	public CircuitState state() {
		return this.phase.state;
	}

	/**
	 * Return how long the breaker stays open before it lets trial calls through.
	 * @return the time left open, {@link Duration#ZERO} unless open
	 */
	public Duration timeLeftOpen() {
		Phase phase = this.phase;
		if (phase.state != CircuitState.OPEN) {
			return Duration.ZERO;
		}
		return Duration.ofNanos(Math.max(0, this.waitNanos - (this.clock.getAsLong() - phase.since)));
	}

	/**
	 * Return the failure rate of the calls in the window, in percent.
	 * @return the rate, or {@code -1} while the breaker is not closed or fewer than
	 * minimum-calls are recorded
	 */
	public float failureRate() {
		Window.Counts counts = counts();
		return (counts != null) ? counts.failureRate() : -1f;
	}

	/**
	 * Return the slow-call rate of the calls in the window, in percent.
	 * @return the rate, or {@code -1} while the breaker is not closed or fewer than
	 * minimum-calls are recorded
	 */
	public float slowCallRate() {
		Window.Counts counts = counts();
		return (counts != null) ? counts.slowCallRate() : -1f;
	}

	/**
	 * Return the number of calls recorded in the window.
	 * @return the calls, {@code 0} unless closed
	 */
	public long callsInWindow() {
		Window.Counts counts = counts();
		return (counts != null) ? counts.calls() : 0;
	}

	Window.@Nullable Counts counts() {
		Window window = this.phase.window;
		return (window != null) ? window.counts(this.clock.getAsLong()) : null;
	}

	/**
	 * Tell the application about rejections from now on (events, observations).
	 * @param signals where to tell it
	 */
	public void signals(Signals signals) {
		this.signals = signals;
	}

	/**
	 * Call a listener after every change of state, on the thread that made it. A listener
	 * that throws is logged; the call that made the change and the other listeners are
	 * not affected.
	 * @param listener receives the state before and after
	 */
	public void onStateChange(BiConsumer<CircuitState, CircuitState> listener) {
		this.listeners.add(listener);
	}

	/**
	 * Return how many calls succeeded in time.
	 * @return the count
	 */
	public long successCount() {
		return this.successes.sum();
	}

	/**
	 * Return how many calls failed with a failure that counts.
	 * @return the count
	 */
	public long failureCount() {
		return this.failures.sum();
	}

	/**
	 * Return how many calls succeeded, but slower than slow-call-duration.
	 * @return the count
	 */
	public long slowCount() {
		return this.slowCalls.sum();
	}

	/**
	 * Return how many calls were rejected because the breaker was open or half-open.
	 * @return the count
	 */
	public long notPermittedCount() {
		return this.notPermitted.sum();
	}

	/**
	 * Return how many calls ended in a way that counts neither way: a failure that
	 * record-on does not list or ignore-on lists, a rejection by {@code @Bounded} or
	 * {@code @Throttle} below, or a cancellation.
	 * @return the count
	 */
	public long ignoredCount() {
		return this.ignored.sum();
	}

	/**
	 * Return how many times the state changed.
	 * @return the count
	 */
	public long transitionCount() {
		return this.transitions.sum();
	}

	/**
	 * Admit a call.
	 * @return the phase that admitted it, to record its outcome in, or {@code null} if
	 * the call is rejected (then throw {@link #rejected()})
	 */
	@Nullable Phase acquire() {
		Phase phase = this.phase;
		return (phase.state == CircuitState.CLOSED) ? phase : acquireNotClosed(phase);
	}

	private @Nullable Phase acquireNotClosed(Phase phase) {
		for (;;) {
			if (phase.state == CircuitState.CLOSED) {
				return phase;
			}
			if (phase.state == CircuitState.HALF_OPEN) {
				return phase.takeTrial() ? phase : null;
			}
			long now = this.clock.getAsLong();
			if (now - phase.since < this.waitNanos) {
				return null;
			}
			Phase halfOpen = new Phase(CircuitState.HALF_OPEN, now, null, this.settings.halfOpenCalls());
			phase = transition(phase, halfOpen) ? halfOpen : this.phase;
		}
	}

	/**
	 * Count a rejected call and create its exception.
	 * @return the exception for the caller
	 */
	CircuitOpenException rejected() {
		this.notPermitted.increment();
		this.signals.rejected("circuit-breaker", name());
		Phase phase = this.phase;
		if (phase.state == CircuitState.OPEN) {
			long left = Math.max(0, this.waitNanos - (this.clock.getAsLong() - phase.since));
			return new CircuitOpenException(name(), CircuitState.OPEN, Duration.ofNanos(left));
		}
		return new CircuitOpenException(name(), CircuitState.HALF_OPEN, Duration.ZERO);
	}

	/**
	 * Return the start time of a call, for the slow-call duration: read only when needed.
	 * @return the time in nanoseconds, or {@code 0}
	 */
	long start() {
		return this.timed ? this.clock.getAsLong() : 0;
	}

	/**
	 * Return whether recording an outcome needs the call's duration (slow calls).
	 * @return {@code true} if slow-call-duration is set
	 */
	boolean timesCalls() {
		return this.slowNanos != Long.MAX_VALUE;
	}

	/**
	 * Record a call that returned normally.
	 * @param admitted the phase that admitted it
	 * @param start what {@link #start()} returned when it began
	 */
	void succeeded(Phase admitted, long start) {
		long now = this.timed ? this.clock.getAsLong() : 0;
		succeeded(admitted, now - start, now);
	}

	private void succeeded(Phase admitted, long tookNanos, long now) {
		if (tookNanos > this.slowNanos) {
			this.slowCalls.increment();
			record(admitted, Window.SUCCESS | Window.SLOW, now);
		}
		else {
			this.successes.increment();
			record(admitted, Window.SUCCESS, now);
		}
	}

	/**
	 * Record a call that failed.
	 * @param admitted the phase that admitted it
	 * @param start what {@link #start()} returned when it began
	 * @param failure the failure, unwrapped
	 */
	void failed(Phase admitted, long start, Throwable failure) {
		long now = this.timed ? this.clock.getAsLong() : 0;
		failed(admitted, now - start, now, failure);
	}

	private void failed(Phase admitted, long tookNanos, long now, Throwable failure) {
		if (!this.countedFailures.counts(failure)) {
			cancelled(admitted);
			return;
		}
		this.failures.increment();
		record(admitted, (tookNanos > this.slowNanos) ? Window.SUCCESS | Window.FAILED | Window.SLOW
				: Window.SUCCESS | Window.FAILED, now);
	}

	/**
	 * Record a call that ended in a way that counts neither way: cancelled, or ignored.
	 * @param admitted the phase that admitted it
	 */
	void cancelled(Phase admitted) {
		this.ignored.increment();
		if (admitted.state == CircuitState.HALF_OPEN) {
			admitted.giveBackTrial();
		}
	}

	private void record(Phase admitted, int outcome, long now) {
		Window window = admitted.window;
		if (window != null) {
			if (window.record(outcome, now)) {
				transition(admitted, new Phase(CircuitState.OPEN, this.clock.getAsLong(), null, 0));
			}
			return;
		}
		if (admitted.state != CircuitState.HALF_OPEN) {
			return;
		}
		if (outcome != Window.SUCCESS) {
			transition(admitted, new Phase(CircuitState.OPEN, this.clock.getAsLong(), null, 0));
		}
		else if (admitted.succeeded() == this.settings.halfOpenCalls()) {
			transition(admitted, closed(this.clock.getAsLong()));
		}
	}

	private Phase closed(long now) {
		Window window = this.settings.timeBased() ? new TimeWindow(this.settings, now) : new CountWindow(this.settings);
		return new Phase(CircuitState.CLOSED, now, window, 0);
	}

	private boolean transition(Phase from, Phase to) {
		if (!PHASE.compareAndSet(this, from, to)) {
			return false;
		}
		this.transitions.increment();
		for (BiConsumer<CircuitState, CircuitState> listener : this.listeners) {
			try {
				listener.accept(from.state, to.state);
			}
			catch (RuntimeException ex) {
				// the call that made the change keeps its own outcome; the others hear of
				// it
				logger.warn("async-utils: a state listener of circuit breaker '" + name() + "' failed on " + from.state
						+ " -> " + to.state, ex);
			}
		}
		return true;
	}

	@Override
	public String toString() {
		return "Circuit[" + name() + ", " + state() + "]";
	}

	/**
	 * One stay in a state: immutable but for the {@link Trials} of a half-open phase. It
	 * is also the {@link Permit} of every call it admitted: releasing it records the
	 * call's outcome in this phase (with the duration the invoker measured, and the time
	 * of the breaker's clock), so that admitting and recording a call allocates nothing.
	 */
	final class Phase extends Trials implements Permit {

		final CircuitState state;

		/** When the phase began, in clock nanoseconds. */
		final long since;

		/** The window of a closed phase, {@code null} otherwise. */
		final @Nullable Window window;

		Phase(CircuitState state, long since, @Nullable Window window, int trials) {
			super(trials);
			this.state = state;
			this.since = since;
			this.window = window;
		}

		/**
		 * The call ended without an outcome (cancelled): it counts neither way.
		 */
		@Override
		public void release() {
			Circuit.this.cancelled(this);
		}

		@Override
		public void release(@Nullable Throwable failure, long durationNanos) {
			long now = Circuit.this.settings.timeBased() ? Circuit.this.clock.getAsLong() : 0;
			if (failure == null) {
				Circuit.this.succeeded(this, durationNanos, now);
			}
			else {
				Circuit.this.failed(this, durationNanos, now, failure);
			}
		}

	}

}
