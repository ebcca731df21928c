package dev.asyncutils.event;

import org.springframework.context.ApplicationEvent;

/**
 * What every async-utils event has: the name of the instance it concerns (also the
 * event's source). Listen for this type to receive them all.
 */
public abstract class AsyncUtilsEvent extends ApplicationEvent {

	private final String name;

	/**
	 * Create an event.
	 * @param name the instance name
	 */
	protected AsyncUtilsEvent(String name) {
		super(name);
		this.name = name;
	}

	/**
	 * Return the name of the instance this event concerns.
	 * @return the instance name
	 */
	public String name() {
		return this.name;
	}

}
