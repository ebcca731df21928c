package dev.asyncutils.observe;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationEventPublisher;

import dev.asyncutils.CircuitState;
import dev.asyncutils.core.Signals;
import dev.asyncutils.event.BackendHealthChangedEvent;
import dev.asyncutils.event.CallRejectedEvent;
import dev.asyncutils.event.CircuitStateChangedEvent;
import dev.asyncutils.event.FallbackEvent;
import dev.asyncutils.event.RetryAttemptFailedEvent;
import dev.asyncutils.event.TimeoutEvent;

/**
 * Signals as Spring application events, published synchronously on the signalling thread;
 * then handed on (to the observation signals, when observations are on).
 */
final class EventSignals implements Signals {

	private static final Log logger = LogFactory.getLog(EventSignals.class);

	private final ApplicationEventPublisher publisher;

	private final Signals next;

	EventSignals(ApplicationEventPublisher publisher, Signals next) {
		this.publisher = publisher;
		this.next = next;
	}

	/**
	 * Publish an event. A listener that throws is logged, never propagated: signals are
	 * sent from inside the engines (a permit or a slot may be in hand), whose bookkeeping
	 * must not depend on listeners.
	 */
	private void publish(ApplicationEvent event) {
		try {
			this.publisher.publishEvent(event);
		}
		catch (RuntimeException ex) {
			logger.warn("async-utils: a listener of " + event.getClass().getSimpleName() + " failed", ex);
		}
	}

	@Override
	public void retrying(String name, int attempt, Throwable failure, long nextDelayMillis) {
		publish(new RetryAttemptFailedEvent(name, attempt, failure, Duration.ofMillis(nextDelayMillis)));
		this.next.retrying(name, attempt, failure, nextDelayMillis);
	}

	@Override
	public void rejected(String kind, String name) {
		publish(new CallRejectedEvent(kind, name));
		this.next.rejected(kind, name);
	}

	@Override
	public void timedOut(String name, Duration timeout) {
		publish(new TimeoutEvent(name, timeout));
		this.next.timedOut(name, timeout);
	}

	@Override
	public void fallback(String name, Throwable failure) {
		publish(new FallbackEvent(name, failure));
		this.next.fallback(name, failure);
	}

	@Override
	public void circuitStateChanged(String name, CircuitState from, CircuitState to) {
		publish(new CircuitStateChangedEvent(name, from, to));
		this.next.circuitStateChanged(name, from, to);
	}

	@Override
	public void backendHealthChanged(String kind, String name, String backend, boolean healthy) {
		publish(new BackendHealthChangedEvent(kind, name, backend, healthy));
		this.next.backendHealthChanged(kind, name, backend, healthy);
	}

	@Override
	public void waited(String kind, String name, long nanos) {
		this.next.waited(kind, name, nanos);
	}

}
