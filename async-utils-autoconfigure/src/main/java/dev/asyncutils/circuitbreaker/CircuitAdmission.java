package dev.asyncutils.circuitbreaker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.admission.Admission;
import dev.asyncutils.core.admission.Permit;

/**
 * A breaker as a guard of the admission engine: it never waits, it admits a call now or
 * rejects it with {@link dev.asyncutils.CircuitOpenException}, and the permit it gives
 * (the phase that admitted the call) records the call's outcome when the invoker releases
 * it. A permit released without an outcome (a cancelled call) counts neither way.
 */
final class CircuitAdmission implements Admission {

	private final Circuit circuit;

	private final boolean timesCalls;

	CircuitAdmission(Circuit circuit) {
		this.circuit = circuit;
		this.timesCalls = circuit.timesCalls();
	}

	/**
	 * Admit the call unless the breaker is open or out of trial calls; a rejection is not
	 * counted here, the invoker asks again through {@link #admitLater}.
	 */
	@Override
	public @Nullable Permit tryAdmit() {
		return this.circuit.acquire();
	}

	@Override
	public Permit admit() {
		Permit permit = this.circuit.acquire();
		if (permit == null) {
			throw this.circuit.rejected();
		}
		return permit;
	}

	@Override
	public CompletableFuture<Permit> admitLater(ScheduledExecutorService scheduler) {
		Permit permit = this.circuit.acquire();
		return (permit != null) ? CompletableFuture.completedFuture(permit)
				: CompletableFuture.failedFuture(this.circuit.rejected());
	}

	@Override
	public boolean recordsOutcome() {
		return true;
	}

	@Override
	public boolean measuresDuration() {
		return this.timesCalls;
	}

	@Override
	public String toString() {
		return this.circuit.toString();
	}

}
