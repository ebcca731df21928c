package dev.asyncutils.observe;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.ReactorSupport;
import dev.asyncutils.observe.CallObservations.Keys;

/**
 * Observations of {@code Mono} and {@code Flux} methods: one per subscription, current
 * while the method is invoked and in the subscriber context (for Reactor's context
 * propagation), stopped when the publisher terminates or is cancelled.
 */
final class ReactiveObservations {

	/**
	 * The key of the current observation in a Reactor context: the value of
	 * {@code ObservationThreadLocalAccessor.KEY}, written out so that no class of the
	 * context-propagation library is needed.
	 */
	static final String OBSERVATION_KEY = "micrometer.observation";

	private ReactiveObservations() {
	}

	static Invoker mono(ObservationRegistry registry, Keys keys, Invoker chain) {
		// subscribed inside the scope: the chain's synchronous part, the method
		// included, runs with the observation current
		return (call) -> Mono.fromDirect((subscriber) -> {
			Observation observation = CallObservations.start(registry, keys);
			try (Observation.Scope scope = observation.openScope()) {
				ReactorSupport.deferMono(chain, call)
					.doOnSuccess((value) -> observation.lowCardinalityKeyValue(keys.success))
					.doOnError((failure) -> CallObservations.failed(observation, keys, failure))
					.doFinally((signal) -> stop(observation, keys, signal))
					.contextWrite((context) -> context.put(OBSERVATION_KEY, observation))
					.subscribe(subscriber);
			}
		});
	}

	static Invoker flux(ObservationRegistry registry, Keys keys, Invoker chain) {
		return (call) -> Flux.from((subscriber) -> {
			Observation observation = CallObservations.start(registry, keys);
			try (Observation.Scope scope = observation.openScope()) {
				ReactorSupport.deferFlux(chain, call)
					.doOnComplete(() -> observation.lowCardinalityKeyValue(keys.success))
					.doOnError((failure) -> CallObservations.failed(observation, keys, failure))
					.doFinally((signal) -> stop(observation, keys, signal))
					.contextWrite((context) -> context.put(OBSERVATION_KEY, observation))
					.subscribe(subscriber);
			}
		});
	}

	private static void stop(Observation observation, Keys keys, SignalType signal) {
		if (signal == SignalType.CANCEL && observation.getContext().getLowCardinalityKeyValue("outcome") == null) {
			observation.lowCardinalityKeyValue(keys.cancelled);
		}
		observation.stop();
	}

}
