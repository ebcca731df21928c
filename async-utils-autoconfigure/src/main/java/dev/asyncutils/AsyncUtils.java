package dev.asyncutils;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import reactor.core.publisher.Flux;

import dev.asyncutils.core.GuardPolicies;
import dev.asyncutils.guard.GuardBuilder;
import dev.asyncutils.guard.Pacing;
import dev.asyncutils.throttle.ThrottleRegistry;

/**
 * The guards of the annotations for code that has no annotation, with the same named
 * instances, properties, precedence, meters, actuator entries and shared buckets and
 * limits: a step that names an instance behaves exactly as the annotation with that name.
 * Auto-configured; inject it.
 *
 * <pre class="code">
 * Guard guard = asyncUtils.guard("inventory").retry().timeout().build();
 * int stock = guard.call(() -&gt; http.stock(sku));
 * Flux&lt;Order&gt; paced = asyncUtils.pace("orders", orders);
 * </pre>
 */
public class AsyncUtils {

	private final GuardPolicies policies;

	private final ThrottleRegistry throttles;

	private final Map<String, Guard> pacers = new ConcurrentHashMap<>();

	/**
	 * Create the entry point.
	 * @param policies builds guards' chains with the annotations' capabilities
	 * @param throttles the throttle instances, for {@link #pace}
	 */
	public AsyncUtils(GuardPolicies policies, ThrottleRegistry throttles) {
		this.policies = policies;
		this.throttles = throttles;
	}

	/**
	 * Start building a guard.
	 * @param name the instance name of every step (metrics, properties, shared buckets
	 * and limits)
	 * @return the builder
	 */
	public Guard.Builder guard(String name) {
		return new GuardBuilder(name, this.policies);
	}

	/**
	 * Emit the elements of a source no faster than a throttle instance allows: one permit
	 * per element, in order, without blocking a thread (an element waiting for its permit
	 * is delayed on the scheduler). Cancelling gives back the permit being waited for. An
	 * element that would wait longer than the instance's {@code max-wait} ends the flux
	 * with {@link ThrottleRejectedException}.
	 * @param <T> the element type
	 * @param throttleName the name of a throttle instance: of a {@code @Throttle} method,
	 * a guard's throttle step, or configured under {@code async-utils.throttle.instances}
	 * @param source the elements
	 * @return the paced elements, per subscription
	 * @throws IllegalArgumentException if no such throttle instance exists
	 */
	public <T> Flux<T> pace(String throttleName, Flux<T> source) {
		Guard pacer = this.pacers.computeIfAbsent(throttleName, (name) -> Pacing.pacer(this, this.throttles, name));
		return Pacing.pace(pacer, source);
	}

}
