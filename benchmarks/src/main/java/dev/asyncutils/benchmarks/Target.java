package dev.asyncutils.benchmarks;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.CircuitBreaker;
import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.annotation.Timeout;

/**
 * The bean every overhead benchmark calls: the same trivial work behind each guard, with
 * permits and slots always available, so that what is measured is the guard's cost.
 */
public class Target {

	/**
	 * The work, unguarded.
	 * @param value an input
	 * @return a result depending on the input
	 */
	public int plain(int value) {
		return value + 1;
	}

	/**
	 * The work behind {@code @Retry} (it never fails).
	 * @param value an input
	 * @return a result depending on the input
	 */
	@Retry(name = "bench-retry")
	public int retry(int value) {
		return value + 1;
	}

	/**
	 * The work behind {@code @Timeout}.
	 * @param value an input
	 * @return a result depending on the input
	 */
	@Timeout(name = "bench-timeout", value = "10s")
	public int timeout(int value) {
		return value + 1;
	}

	/**
	 * The work behind {@code @Throttle} with a rate high enough never to wait.
	 * @param value an input
	 * @return a result depending on the input
	 */
	@Throttle(name = "bench-throttle", rate = 1e12, burst = 1_000_000)
	public int throttle(int value) {
		return value + 1;
	}

	/**
	 * The work behind {@code @Bounded} with a limit never reached.
	 * @param value an input
	 * @return a result depending on the input
	 */
	@Bounded(name = "bench-bounded", value = 10_000)
	public int bounded(int value) {
		return value + 1;
	}

	/**
	 * The work behind {@code @CircuitBreaker} (it never fails: the breaker stays closed).
	 * @param value an input
	 * @return a result depending on the input
	 */
	@CircuitBreaker(name = "bench-circuit-breaker")
	public int circuitBreaker(int value) {
		return value + 1;
	}

	/**
	 * The work behind {@code @Fallback} (it never fails).
	 * @param value an input
	 * @return a result depending on the input
	 */
	@Fallback("recover")
	public int fallback(int value) {
		return value + 1;
	}

	/**
	 * The work behind all five guards.
	 * @param value an input
	 * @return a result depending on the input
	 */
	@Fallback("recover")
	@Retry(name = "bench-all-retry")
	@Timeout(name = "bench-all-timeout", value = "10s")
	@Bounded(name = "bench-all-bounded", value = 10_000)
	@Throttle(name = "bench-all-throttle", rate = 1e12, burst = 1_000_000)
	public int all(int value) {
		return value + 1;
	}

	int recover(int value) {
		return -value;
	}

}
