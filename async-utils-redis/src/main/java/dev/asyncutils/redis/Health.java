package dev.asyncutils.redis;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.asyncutils.backend.OnFailure;
import dev.asyncutils.core.Signals;

/**
 * Whether Redis answers one instance's commands in time. Healthy until a command fails or
 * times out: then one WARN line, and calls stop asking Redis (the failure mode decides
 * them at once) except for one probe every {@link #PROBE_INTERVAL_NANOS}; the first
 * command that succeeds again makes it healthy, with one INFO line.
 */
final class Health {

	static final long PROBE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

	private static final Log logger = LogFactory.getLog(Health.class);

	private final String instance;

	private final String kind;

	private final String name;

	private volatile Signals signals = Signals.NONE;

	private final OnFailure onFailure;

	private final AtomicBoolean healthy = new AtomicBoolean(true);

	private final AtomicLong nextProbe = new AtomicLong();

	private final LongAdder failures = new LongAdder();

	private volatile long unhealthySince;

	private volatile long healthySince = System.nanoTime();

	private final BooleanSupplier closed;

	Health(String kind, String name, OnFailure onFailure, BooleanSupplier closed) {
		this.instance = kind + " '" + name + "'";
		this.kind = kind;
		this.name = name;
		this.onFailure = onFailure;
		this.closed = closed;
	}

	void signals(Signals signals) {
		this.signals = signals;
	}

	boolean healthy() {
		return this.healthy.get();
	}

	long failureCount() {
		return this.failures.sum();
	}

	/**
	 * Decide whether a call asks Redis: always while healthy, else one probe per
	 * interval. A call that does not ask counts as a failure.
	 * @return {@code true} to send the command
	 */
	boolean shouldAsk() {
		if (this.healthy.get()) {
			return true;
		}
		long now = System.nanoTime();
		long probe = this.nextProbe.get();
		if (now - probe >= 0 && this.nextProbe.compareAndSet(probe, now + PROBE_INTERVAL_NANOS)) {
			return true;
		}
		this.failures.increment();
		return false;
	}

	String unhealthyFor() {
		return "redis is unavailable since " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.unhealthySince)
				+ " ms";
	}

	void succeeded() {
		if (this.healthy.get()) {
			return;
		}
		// transitions are serialized: a stale failure checked against the previous
		// recovery must not turn a recovery that is half done unhealthy again
		synchronized (this) {
			if (this.healthy.get()) {
				return;
			}
			this.healthySince = System.nanoTime();
			this.healthy.set(true);
			logger.info("async-utils " + this.instance + ": redis answers again after "
					+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.unhealthySince)
					+ " ms; back to the limit shared in redis");
		}
		this.signals.backendHealthChanged(this.kind, this.name, "redis", true);
	}

	/**
	 * Record a failed command.
	 * @param cause what failed
	 * @param sentAt when the command was sent: one sent before the last recovery (say,
	 * queued while disconnected) does not make the backend unhealthy again
	 */
	void failed(Throwable cause, long sentAt) {
		this.failures.increment();
		if (!this.healthy.get() || this.closed.getAsBoolean()) {
			// already unhealthy, or the application is shutting down
			return;
		}
		synchronized (this) {
			if (!this.healthy.get() || sentAt - this.healthySince < 0) {
				// already unhealthy, or sent before the last recovery
				return;
			}
			long now = System.nanoTime();
			this.unhealthySince = now;
			this.nextProbe.set(now + PROBE_INTERVAL_NANOS);
			this.healthy.set(false);
			logger.warn("async-utils " + this.instance + ": redis unavailable (" + cause.getMessage() + "); "
					+ describe(this.onFailure) + " until it answers again (asking it every "
					+ TimeUnit.NANOSECONDS.toMillis(PROBE_INTERVAL_NANOS) + " ms)");
		}
		this.signals.backendHealthChanged(this.kind, this.name, "redis", false);
	}

	private static String describe(OnFailure onFailure) {
		return switch (onFailure) {
			case FAIL_CLOSED -> "rejecting calls (on-failure: fail-closed)";
			case FAIL_OPEN -> "letting calls through unlimited (on-failure: fail-open)";
			case LOCAL -> "limiting this JVM to its share of the limit (on-failure: local)";
		};
	}

}
