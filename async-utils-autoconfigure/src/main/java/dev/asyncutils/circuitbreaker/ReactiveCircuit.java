package dev.asyncutils.circuitbreaker;

import java.util.concurrent.atomic.AtomicBoolean;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.ReactorSupport;

/**
 * The breaker for {@code Mono} and {@code Flux}: each subscription is one call, admitted
 * when it subscribes (an open breaker fails it then, without subscribing below) and
 * recorded once when it terminates; a cancelled subscription records nothing.
 */
final class ReactiveCircuit {

	private ReactiveCircuit() {
	}

	static Invoker mono(Circuit circuit, Invoker next) {
		return (call) -> Mono.defer(() -> {
			Circuit.Phase admitted = circuit.acquire();
			if (admitted == null) {
				return Mono.error(circuit.rejected());
			}
			Outcome outcome = new Outcome(circuit, admitted);
			return ReactorSupport.deferMono(next, call)
				.doOnSuccess((value) -> outcome.succeeded())
				.doOnError(outcome::failed)
				.doOnCancel(outcome::cancelled);
		});
	}

	static Invoker flux(Circuit circuit, Invoker next) {
		return (call) -> Flux.defer(() -> {
			Circuit.Phase admitted = circuit.acquire();
			if (admitted == null) {
				return Flux.error(circuit.rejected());
			}
			Outcome outcome = new Outcome(circuit, admitted);
			return ReactorSupport.deferFlux(next, call)
				.doOnComplete(outcome::succeeded)
				.doOnError(outcome::failed)
				.doOnCancel(outcome::cancelled);
		});
	}

	/**
	 * The one outcome of a subscription: the first terminal signal or cancellation wins.
	 */
	private static final class Outcome extends AtomicBoolean {

		private static final long serialVersionUID = 1L;

		private final transient Circuit circuit;

		private final transient Circuit.Phase admitted;

		private final long start;

		Outcome(Circuit circuit, Circuit.Phase admitted) {
			this.circuit = circuit;
			this.admitted = admitted;
			this.start = circuit.start();
		}

		void succeeded() {
			if (compareAndSet(false, true)) {
				this.circuit.succeeded(this.admitted, this.start);
			}
		}

		void failed(Throwable failure) {
			if (compareAndSet(false, true)) {
				this.circuit.failed(this.admitted, this.start, failure);
			}
		}

		void cancelled() {
			if (compareAndSet(false, true)) {
				this.circuit.cancelled(this.admitted);
			}
		}

	}

}
