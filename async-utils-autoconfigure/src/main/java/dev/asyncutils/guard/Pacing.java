package dev.asyncutils.guard;

import reactor.core.publisher.Flux;

import dev.asyncutils.AsyncUtils;
import dev.asyncutils.Guard;
import dev.asyncutils.throttle.ThrottleRegistry;
import dev.asyncutils.throttle.ThrottleSettings;

/**
 * {@code AsyncUtils.pace}: a flux's elements through a throttle instance, one permit
 * each, by way of a guard whose throttle step resolves to that very instance.
 */
public final class Pacing {

	private Pacing() {
	}

	/**
	 * Build the guard that paces through a throttle instance: a throttle step with the
	 * instance's own settings, so that it obtains the same bucket (local or remote).
	 * @param asyncUtils builds the guard
	 * @param throttles the throttle instances
	 * @param name the instance name
	 * @return the guard
	 * @throws IllegalArgumentException if there is no such instance
	 */
	public static Guard pacer(AsyncUtils asyncUtils, ThrottleRegistry throttles, String name) {
		ThrottleSettings settings = throttles.get(name).settings();
		return asyncUtils.guard(name).throttle((throttle) -> {
			throttle.rate(settings.rate()).per(settings.per()).burst(settings.burst());
			if (settings.maxWait() != null) {
				throttle.maxWait(settings.maxWait());
			}
		}).build();
	}

	/**
	 * Emit a source's elements one permit each, in order, without blocking.
	 * @param <T> the element type
	 * @param pacer the guard with the throttle step
	 * @param source the elements
	 * @return the paced elements
	 */
	public static <T> Flux<T> pace(Guard pacer, Flux<T> source) {
		return ReactiveGuards.pace(pacer, source);
	}

}
