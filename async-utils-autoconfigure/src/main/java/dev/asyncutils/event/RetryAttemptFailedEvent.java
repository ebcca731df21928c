package dev.asyncutils.event;

import java.time.Duration;

/**
 * An attempt of a {@code @Retry} call failed and another attempt follows after
 * {@link #nextDelay()}. Not published for the attempt that ends the call (the caller gets
 * that failure).
 */
public class RetryAttemptFailedEvent extends AsyncUtilsEvent {

	private final int attempt;

	private final Throwable failure;

	private final Duration nextDelay;

	/**
	 * Create an event.
	 * @param name the retry instance
	 * @param attempt the failed attempt, 1 for the first
	 * @param failure its failure
	 * @param nextDelay the wait before the next attempt
	 */
	public RetryAttemptFailedEvent(String name, int attempt, Throwable failure, Duration nextDelay) {
		super(name);
		this.attempt = attempt;
		this.failure = failure;
		this.nextDelay = nextDelay;
	}

	/**
	 * Return the attempt that failed.
	 * @return 1 for the first attempt
	 */
	public int attempt() {
		return this.attempt;
	}

	/**
	 * Return the attempt's failure.
	 * @return the failure
	 */
	public Throwable failure() {
		return this.failure;
	}

	/**
	 * Return the wait before the next attempt.
	 * @return the delay
	 */
	public Duration nextDelay() {
		return this.nextDelay;
	}

	@Override
	public String toString() {
		return "RetryAttemptFailedEvent[name=" + name() + ", attempt=" + this.attempt + ", failure=" + this.failure
				+ ", nextDelay=" + this.nextDelay + "]";
	}

}
