package dev.asyncutils.circuitbreaker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.Call;
import dev.asyncutils.core.Failures;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.ReturnKind;
import dev.asyncutils.core.Stages;

/**
 * The breaker around the rest of a method's chain, per return kind. A rejected call
 * invokes nothing below: a plain caller gets the exception thrown, a stage fails, a
 * publisher fails on subscribe.
 */
public final class CircuitInvokers {

	private CircuitInvokers() {
	}

	/**
	 * Wrap the rest of a chain with a breaker.
	 * @param circuit the breaker
	 * @param kind the method's return kind
	 * @param next the rest of the chain
	 * @return the wrapped chain
	 */
	public static Invoker of(Circuit circuit, ReturnKind kind, Invoker next) {
		return switch (kind) {
			case PLAIN -> new Plain(circuit, next);
			case COMPLETION_STAGE -> new Stage(circuit, next);
			case MONO -> ReactiveCircuit.mono(circuit, next);
			case FLUX -> ReactiveCircuit.flux(circuit, next);
		};
	}

	/**
	 * Plain methods: the outcome is known when the method returns or throws.
	 */
	private static final class Plain implements Invoker {

		private final Circuit circuit;

		private final Invoker next;

		Plain(Circuit circuit, Invoker next) {
			this.circuit = circuit;
			this.next = next;
		}

		@Override
		public @Nullable Object invoke(Call call) throws Throwable {
			Circuit.Phase admitted = this.circuit.acquire();
			if (admitted == null) {
				throw this.circuit.rejected();
			}
			long start = this.circuit.start();
			Object result;
			try {
				result = this.next.invoke(call);
			}
			catch (Throwable ex) {
				this.circuit.failed(admitted, start, ex);
				throw ex;
			}
			this.circuit.succeeded(admitted, start);
			return result;
		}

	}

	/**
	 * {@code CompletionStage} methods: the outcome is recorded when the stage completes;
	 * an already completed future is recorded at once, without a callback.
	 */
	private static final class Stage implements Invoker {

		private final Circuit circuit;

		private final Invoker next;

		Stage(Circuit circuit, Invoker next) {
			this.circuit = circuit;
			this.next = next;
		}

		@Override
		public Object invoke(Call call) {
			Circuit.Phase admitted = this.circuit.acquire();
			if (admitted == null) {
				return CompletableFuture.failedFuture(this.circuit.rejected());
			}
			long start = this.circuit.start();
			CompletionStage<@Nullable Object> stage = Stages.invoke(this.next, call);
			if (Stages.isDoneNormally(stage)) {
				this.circuit.succeeded(admitted, start);
			}
			else {
				Circuit circuit = this.circuit;
				stage.whenComplete((value, failure) -> {
					if (failure == null) {
						circuit.succeeded(admitted, start);
					}
					else {
						circuit.failed(admitted, start, Failures.unwrap(failure));
					}
				});
			}
			return stage;
		}

	}

}
