package dev.asyncutils.event;

/**
 * A {@code @Fallback} method answers a failed call. {@link #name()} is the guarded
 * method's instance name ({@code SimpleClassName.methodName}).
 */
public class FallbackEvent extends AsyncUtilsEvent {

	private final Throwable failure;

	/**
	 * Create an event.
	 * @param name the guarded method's instance name
	 * @param failure the failure the fallback answers
	 */
	public FallbackEvent(String name, Throwable failure) {
		super(name);
		this.failure = failure;
	}

	/**
	 * Return the failure the fallback answers.
	 * @return the failure
	 */
	public Throwable failure() {
		return this.failure;
	}

	@Override
	public String toString() {
		return "FallbackEvent[name=" + name() + ", failure=" + this.failure + "]";
	}

}
