package dev.asyncutils.observe;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.Signals;

/**
 * Signals as events of the current {@value CallObservations#NAME} observation: retries,
 * waits, rejections, timeouts and fallbacks. An event is recorded when the guarded call's
 * observation is current on the signalling thread (always for plain methods; for
 * asynchronous ones, on the threads the observation was propagated to).
 */
final class ObservationSignals implements Signals {

	private static final Log logger = LogFactory.getLog(ObservationSignals.class);

	private final ObservationRegistry registry;

	ObservationSignals(ObservationRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void retrying(String name, int attempt, Throwable failure, long nextDelayMillis) {
		Observation observation = current();
		if (observation != null) {
			record(observation, "retry", "attempt " + attempt + " failed (" + MeterBinding.exceptionTag(failure)
					+ "), retrying in " + nextDelayMillis + "ms");
		}
	}

	@Override
	public void rejected(String kind, String name) {
		Observation observation = current();
		if (observation != null) {
			record(observation, "rejected", kind + " '" + name + "' rejected the call");
		}
	}

	@Override
	public void timedOut(String name, Duration timeout) {
		Observation observation = current();
		if (observation != null) {
			record(observation, "timeout", "deadline of " + timeout.toMillis() + "ms passed");
		}
	}

	@Override
	public void fallback(String name, Throwable failure) {
		Observation observation = current();
		if (observation != null) {
			record(observation, "fallback", "fallback answers " + MeterBinding.exceptionTag(failure));
		}
	}

	@Override
	public void waited(String kind, String name, long nanos) {
		Observation observation = current();
		if (observation != null) {
			record(observation, "wait",
					"waited " + TimeUnit.NANOSECONDS.toMillis(nanos) + "ms for " + kind + " '" + name + "'");
		}
	}

	/**
	 * Record an event on the observation. Handlers run synchronously: one that throws is
	 * logged, never propagated into the engine that signalled (a permit or a slot may be
	 * in hand).
	 */
	private static void record(Observation observation, String name, String contextualName) {
		try {
			observation.event(Observation.Event.of(name, contextualName));
		}
		catch (RuntimeException ex) {
			logger.warn("async-utils: an observation handler failed on event '" + name + "'", ex);
		}
	}

	private @Nullable Observation current() {
		Observation observation = this.registry.getCurrentObservation();
		if (observation == null || !CallObservations.NAME.equals(observation.getContext().getName())) {
			return null;
		}
		return observation;
	}

}
