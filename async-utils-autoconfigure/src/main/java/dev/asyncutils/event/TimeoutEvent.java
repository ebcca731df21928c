package dev.asyncutils.event;

import java.time.Duration;

/**
 * A {@code @Timeout} call's deadline passed: published when the deadline passes, on the
 * thread that noticed it.
 */
public class TimeoutEvent extends AsyncUtilsEvent {

	private final Duration timeout;

	/**
	 * Create an event.
	 * @param name the timeout instance
	 * @param timeout the deadline that passed
	 */
	public TimeoutEvent(String name, Duration timeout) {
		super(name);
		this.timeout = timeout;
	}

	/**
	 * Return the deadline that passed.
	 * @return the configured timeout
	 */
	public Duration timeout() {
		return this.timeout;
	}

	@Override
	public String toString() {
		return "TimeoutEvent[name=" + name() + ", timeout=" + this.timeout + "]";
	}

}
