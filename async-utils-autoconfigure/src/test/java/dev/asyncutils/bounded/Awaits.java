package dev.asyncutils.bounded;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polling helpers for the bounded tests.
 */
final class Awaits {

	private Awaits() {
	}

	/**
	 * Wait (up to 10 s) until a condition holds, checking about every millisecond.
	 * @param what what is awaited, for the failure message
	 * @param condition the condition
	 */
	static void until(String what, BooleanSupplier condition) {
		until(what, condition, () -> "");
	}

	/**
	 * Wait (up to 10 s) until a condition holds, checking about every millisecond.
	 * @param what what is awaited, for the failure message
	 * @param condition the condition
	 * @param state describes the state at the time of a failure
	 */
	static void until(String what, BooleanSupplier condition, Supplier<String> state) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Timed out waiting until " + what + " " + state.get());
			}
			try {
				Thread.sleep(1);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted waiting until " + what, ex);
			}
		}
	}

	/**
	 * Spin (yielding, up to 10 s) until a condition holds; for steps that take
	 * microseconds.
	 * @param what what is awaited, for the failure message
	 * @param condition the condition
	 */
	static void spinUntil(String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Timed out waiting until " + what);
			}
			Thread.yield();
		}
	}

	/**
	 * Check that a condition keeps holding for a short while (nothing happens behind the
	 * test's back).
	 * @param what what must keep holding
	 * @param millis how long to watch
	 * @param condition the condition
	 */
	static void stays(String what, long millis, BooleanSupplier condition) {
		long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		while (System.nanoTime() < end) {
			if (!condition.getAsBoolean()) {
				throw new AssertionError("No longer true: " + what);
			}
			try {
				Thread.sleep(1);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted watching " + what, ex);
			}
		}
	}

}
