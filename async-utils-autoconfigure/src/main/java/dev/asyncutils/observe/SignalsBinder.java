package dev.asyncutils.observe;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.ApplicationEventPublisher;

import dev.asyncutils.bounded.BoundedRegistry;
import dev.asyncutils.core.PolicyFeature;
import dev.asyncutils.core.Signals;
import dev.asyncutils.core.SignalsAware;
import dev.asyncutils.fallback.FallbackFeature;
import dev.asyncutils.retry.RetryFeature;
import dev.asyncutils.throttle.ThrottleRegistry;
import dev.asyncutils.timeout.TimeoutFeature;

/**
 * Binds every instance, those of now and those created later, to the context's
 * {@link Signals}: application events, then observation events.
 */
public final class SignalsBinder implements SmartInitializingSingleton {

	private final ApplicationEventPublisher publisher;

	private final ObjectProvider<ObservationRegistry> observations;

	private final ObjectProvider<RetryFeature> retry;

	private final ObjectProvider<TimeoutFeature> timeout;

	private final ObjectProvider<FallbackFeature> fallback;

	private final ObjectProvider<ThrottleRegistry> throttles;

	private final ObjectProvider<BoundedRegistry> bounded;

	private final ObjectProvider<PolicyFeature<?>> features;

	/**
	 * Create a binder.
	 * @param publisher publishes the events
	 * @param observations the observation registry, if any: with a registry that is not
	 * the no-op one, signals are observation events too
	 * @param retry the retry capability
	 * @param timeout the timeout capability
	 * @param fallback the fallback capability
	 * @param throttles the throttle instances
	 * @param bounded the bounded instances
	 * @param features every capability, those that are {@link SignalsAware} are given the
	 * signals
	 */
	public SignalsBinder(ApplicationEventPublisher publisher, ObjectProvider<ObservationRegistry> observations,
			ObjectProvider<RetryFeature> retry, ObjectProvider<TimeoutFeature> timeout,
			ObjectProvider<FallbackFeature> fallback, ObjectProvider<ThrottleRegistry> throttles,
			ObjectProvider<BoundedRegistry> bounded, ObjectProvider<PolicyFeature<?>> features) {
		this.publisher = publisher;
		this.observations = observations;
		this.retry = retry;
		this.timeout = timeout;
		this.fallback = fallback;
		this.throttles = throttles;
		this.bounded = bounded;
		this.features = features;
	}

	@Override
	public void afterSingletonsInstantiated() {
		ObservationRegistry registry = this.observations.getIfAvailable();
		Signals signals = new EventSignals(this.publisher, (registry != null && registry != ObservationRegistry.NOOP)
				? new ObservationSignals(registry) : Signals.NONE);
		this.retry
			.ifAvailable((feature) -> feature.instances().forEachNowAndLater((name, stats) -> stats.signals(signals)));
		this.timeout
			.ifAvailable((feature) -> feature.instances().forEachNowAndLater((name, stats) -> stats.signals(signals)));
		this.fallback
			.ifAvailable((feature) -> feature.instances().forEachNowAndLater((name, stats) -> stats.signals(signals)));
		this.throttles.ifAvailable((instances) -> instances.catalog().forEachNowAndLater((name, bucket) -> {
			bucket.counters().signals("throttle", name, signals);
			if (bucket.remote() != null) {
				bucket.remote().signals(signals);
			}
		}));
		this.bounded.ifAvailable((instances) -> instances.catalog().forEachNowAndLater((name, limiter) -> {
			limiter.counters().signals("bounded", name, signals);
			if (limiter.remote() != null) {
				limiter.remote().signals(signals);
			}
		}));
		this.features.orderedStream()
			.filter(SignalsAware.class::isInstance)
			.forEach((feature) -> ((SignalsAware) feature).signals(signals));
	}

}
