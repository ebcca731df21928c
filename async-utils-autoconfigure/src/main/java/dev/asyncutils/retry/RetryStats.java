package dev.asyncutils.retry;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.asyncutils.core.FailureRecorder;
import dev.asyncutils.core.Signals;

/**
 * The live counts of one retry instance (shared by every method with its name), read by
 * the metrics and the actuator endpoint. Recording is one {@link LongAdder} increment.
 */
public final class RetryStats {

	private final LongAdder success = new LongAdder();

	private final LongAdder successAfterRetry = new LongAdder();

	private final LongAdder failure = new LongAdder();

	private final LongAdder failureAfterRetry = new LongAdder();

	private final LongAdder aborted = new LongAdder();

	private final LongAdder retries = new LongAdder();

	private final Map<String, RetrySettings> methods = new ConcurrentHashMap<>();

	private volatile FailureRecorder failures = FailureRecorder.NOWHERE;

	private volatile Signals signals = Signals.NONE;

	void method(String description, RetrySettings settings) {
		this.methods.put(description, settings);
	}

	void succeeded(int failedAttempts) {
		((failedAttempts == 0) ? this.success : this.successAfterRetry).increment();
	}

	void retried(String name, int attempt, Throwable failure, long delayMillis) {
		this.retries.increment();
		this.signals.retrying(name, attempt, failure, delayMillis);
	}

	/**
	 * Tell every later failed attempt that is retried to these signals.
	 * @param signals the signals (events, observations)
	 */
	public void signals(Signals signals) {
		this.signals = signals;
	}

	void gaveUp(int attempts, boolean aborted, Throwable failure) {
		String result;
		if (aborted) {
			this.aborted.increment();
			result = "aborted";
		}
		else if (attempts <= 1) {
			this.failure.increment();
			result = "failure";
		}
		else {
			this.failureAfterRetry.increment();
			result = "failure_after_retry";
		}
		this.failures.record(result, failure);
	}

	/**
	 * Send every later failed call, with its outcome and final failure, to a recorder.
	 * @param failures the recorder
	 */
	public void failures(FailureRecorder failures) {
		this.failures = failures;
	}

	/**
	 * Return the effective settings of every method using this instance.
	 * @return the settings by method ({@code SimpleClassName.method(ParamTypes)})
	 */
	public Map<String, RetrySettings> methods() {
		return new TreeMap<>(this.methods);
	}

	/**
	 * Return the calls that succeeded at the first attempt.
	 * @return the count
	 */
	public long successCount() {
		return this.success.sum();
	}

	/**
	 * Return the calls that succeeded after at least one retry.
	 * @return the count
	 */
	public long successAfterRetryCount() {
		return this.successAfterRetry.sum();
	}

	/**
	 * Return the calls that failed at their only attempt (not retryable, or one attempt
	 * allowed).
	 * @return the count
	 */
	public long failureCount() {
		return this.failure.sum();
	}

	/**
	 * Return the calls that failed after retrying.
	 * @return the count
	 */
	public long failureAfterRetryCount() {
		return this.failureAfterRetry.sum();
	}

	/**
	 * Return the calls that stopped on a failure matching {@code abortOn}.
	 * @return the count
	 */
	public long abortedCount() {
		return this.aborted.sum();
	}

	/**
	 * Return the retries made, over all calls.
	 * @return the count
	 */
	public long retryCount() {
		return this.retries.sum();
	}

}
