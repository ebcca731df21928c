package dev.asyncutils.event;

/**
 * A call was rejected without running: no permit ({@code throttle}), no slot
 * ({@code bounded}) or an open circuit ({@code circuit-breaker}).
 */
public class CallRejectedEvent extends AsyncUtilsEvent {

	private final String kind;

	/**
	 * Create an event.
	 * @param kind {@code throttle}, {@code bounded} or {@code circuit-breaker}
	 * @param name the instance
	 */
	public CallRejectedEvent(String kind, String name) {
		super(name);
		this.kind = kind;
	}

	/**
	 * Return what rejected the call.
	 * @return {@code throttle}, {@code bounded} or {@code circuit-breaker}
	 */
	public String kind() {
		return this.kind;
	}

	@Override
	public String toString() {
		return "CallRejectedEvent[kind=" + this.kind + ", name=" + name() + "]";
	}

}
