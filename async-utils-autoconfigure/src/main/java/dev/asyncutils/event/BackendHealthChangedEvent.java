package dev.asyncutils.event;

/**
 * A throttle or bounded instance's remote backend (Redis) stopped answering in time, or
 * answers again. While unhealthy the instance's {@code on-failure} mode decides its
 * calls.
 */
public class BackendHealthChangedEvent extends AsyncUtilsEvent {

	private final String kind;

	private final String backend;

	private final boolean healthy;

	/**
	 * Create an event.
	 * @param kind {@code throttle} or {@code bounded}
	 * @param name the instance
	 * @param backend the backend, e.g. {@code redis}
	 * @param healthy whether it is healthy now
	 */
	public BackendHealthChangedEvent(String kind, String name, String backend, boolean healthy) {
		super(name);
		this.kind = kind;
		this.backend = backend;
		this.healthy = healthy;
	}

	/**
	 * Return the kind of instance.
	 * @return {@code throttle} or {@code bounded}
	 */
	public String kind() {
		return this.kind;
	}

	/**
	 * Return the backend.
	 * @return e.g. {@code redis}
	 */
	public String backend() {
		return this.backend;
	}

	/**
	 * Return whether the backend is healthy now.
	 * @return {@code true} when it answers again, {@code false} when it stopped
	 */
	public boolean healthy() {
		return this.healthy;
	}

	@Override
	public String toString() {
		return "BackendHealthChangedEvent[kind=" + this.kind + ", name=" + name() + ", backend=" + this.backend
				+ ", healthy=" + this.healthy + "]";
	}

}
