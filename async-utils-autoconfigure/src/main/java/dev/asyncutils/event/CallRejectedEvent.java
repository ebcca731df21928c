package dev.asyncutils.event;

/**
 * A call was rejected without running: no permit ({@code throttle}), no slot
 * ({@code bounded}) or an open circuit ({@code circuit-breaker}).
 */
public class CallRejectedEvent extends AsyncUtilsEvent {

	private final String kind;

	private final RuntimeException rejection;

	/**
	 * Create an event.
	 * @param kind {@code throttle}, {@code bounded} or {@code circuit-breaker}
	 * @param name the instance
	 * @param rejection the exception the caller gets
	 */
	public CallRejectedEvent(String kind, String name, RuntimeException rejection) {
		super(name);
		this.kind = kind;
		this.rejection = rejection;
	}

	/**
	 * Return what rejected the call.
	 * @return {@code throttle}, {@code bounded} or {@code circuit-breaker}
	 */
	public String kind() {
		return this.kind;
	}

	/**
	 * Return the exception the caller gets.
	 * @return the rejection
	 */
	public RuntimeException rejection() {
		return this.rejection;
	}

	@Override
	public String toString() {
		return "CallRejectedEvent[kind=" + this.kind + ", name=" + name() + "]";
	}

}
