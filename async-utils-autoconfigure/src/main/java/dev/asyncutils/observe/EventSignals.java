package dev.asyncutils.observe;

import java.time.Duration;

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

	private final ApplicationEventPublisher publisher;

	private final Signals next;

	EventSignals(ApplicationEventPublisher publisher, Signals next) {
		this.publisher = publisher;
		this.next = next;
	}

	@Override
	public void retrying(String name, int attempt, Throwable failure, long nextDelayMillis) {
		this.publisher
			.publishEvent(new RetryAttemptFailedEvent(name, attempt, failure, Duration.ofMillis(nextDelayMillis)));
		this.next.retrying(name, attempt, failure, nextDelayMillis);
	}

	@Override
	public void rejected(String kind, String name) {
		this.publisher.publishEvent(new CallRejectedEvent(kind, name));
		this.next.rejected(kind, name);
	}

	@Override
	public void timedOut(String name, Duration timeout) {
		this.publisher.publishEvent(new TimeoutEvent(name, timeout));
		this.next.timedOut(name, timeout);
	}

	@Override
	public void fallback(String name, Throwable failure) {
		this.publisher.publishEvent(new FallbackEvent(name, failure));
		this.next.fallback(name, failure);
	}

	@Override
	public void circuitStateChanged(String name, CircuitState from, CircuitState to) {
		this.publisher.publishEvent(new CircuitStateChangedEvent(name, from, to));
		this.next.circuitStateChanged(name, from, to);
	}

	@Override
	public void backendHealthChanged(String kind, String name, String backend, boolean healthy) {
		this.publisher.publishEvent(new BackendHealthChangedEvent(kind, name, backend, healthy));
		this.next.backendHealthChanged(kind, name, backend, healthy);
	}

	@Override
	public void waited(String kind, String name, long nanos) {
		this.next.waited(kind, name, nanos);
	}

}
