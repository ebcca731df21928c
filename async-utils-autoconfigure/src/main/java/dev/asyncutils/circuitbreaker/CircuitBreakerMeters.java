package dev.asyncutils.circuitbreaker;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The meters of a circuit breaker, read from its own counters:
 * {@code asyncutils.circuitbreaker.calls} by {@code result} and
 * {@code asyncutils.circuitbreaker.state} (0 closed, 1 open, 2 half-open).
 */
public final class CircuitBreakerMeters {

	private CircuitBreakerMeters() {
	}

	/**
	 * Register the meters of one breaker.
	 * @param registry the meter registry
	 * @param name the instance name
	 * @param circuit the breaker
	 */
	public static void bind(MeterRegistry registry, String name, Circuit circuit) {
		calls(registry, name, circuit, "success", Circuit::successCount);
		calls(registry, name, circuit, "failure", Circuit::failureCount);
		calls(registry, name, circuit, "slow", Circuit::slowCount);
		calls(registry, name, circuit, "not_permitted", Circuit::notPermittedCount);
		calls(registry, name, circuit, "ignored", Circuit::ignoredCount);
		Gauge.builder("asyncutils.circuitbreaker.state", circuit, (instance) -> instance.state().ordinal())
			.tag("name", name)
			.description("State of the circuit breaker: 0 closed, 1 open, 2 half-open")
			.register(registry);
	}

	private static void calls(MeterRegistry registry, String name, Circuit circuit, String result,
			ToDoubleFunction<Circuit> count) {
		FunctionCounter.builder("asyncutils.circuitbreaker.calls", circuit, count)
			.tag("name", name)
			.tag("result", result)
			.description("Calls through the circuit breaker, by outcome: success, failure, slow (succeeded late), "
					+ "not_permitted (rejected while open or half-open), ignored (counted neither way)")
			.register(registry);
	}

}
