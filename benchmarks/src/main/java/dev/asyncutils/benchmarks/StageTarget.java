package dev.asyncutils.benchmarks;

import java.util.concurrent.CompletableFuture;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.CircuitBreaker;
import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.annotation.Timeout;

/**
 * The asynchronous twin of {@link Target}: the same trivial work returned as an already
 * completed {@link CompletableFuture}, behind each of our guards.
 */
public class StageTarget {

	/**
	 * The work, unguarded.
	 * @param value an input
	 * @return a completed future of a result depending on the input
	 */
	public CompletableFuture<Integer> plain(int value) {
		return CompletableFuture.completedFuture(value + 1);
	}

	/**
	 * The work behind {@code @Retry} (it never fails).
	 * @param value an input
	 * @return a completed future of a result depending on the input
	 */
	@Retry(name = "bench-stage-retry")
	public CompletableFuture<Integer> retry(int value) {
		return CompletableFuture.completedFuture(value + 1);
	}

	/**
	 * The work behind {@code @Timeout}.
	 * @param value an input
	 * @return a completed future of a result depending on the input
	 */
	@Timeout(name = "bench-stage-timeout", value = "10s")
	public CompletableFuture<Integer> timeout(int value) {
		return CompletableFuture.completedFuture(value + 1);
	}

	/**
	 * The work behind {@code @Throttle} with a rate high enough never to wait.
	 * @param value an input
	 * @return a completed future of a result depending on the input
	 */
	@Throttle(name = "bench-stage-throttle", rate = 1e12, burst = 1_000_000)
	public CompletableFuture<Integer> throttle(int value) {
		return CompletableFuture.completedFuture(value + 1);
	}

	/**
	 * The work behind {@code @Bounded} with a limit never reached.
	 * @param value an input
	 * @return a completed future of a result depending on the input
	 */
	@Bounded(name = "bench-stage-bounded", value = 10_000)
	public CompletableFuture<Integer> bounded(int value) {
		return CompletableFuture.completedFuture(value + 1);
	}

	/**
	 * The work behind {@code @CircuitBreaker} (it never fails: the breaker stays closed).
	 * @param value an input
	 * @return a completed future of a result depending on the input
	 */
	@CircuitBreaker(name = "bench-stage-circuit-breaker")
	public CompletableFuture<Integer> circuitBreaker(int value) {
		return CompletableFuture.completedFuture(value + 1);
	}

	/**
	 * The work behind {@code @Fallback} (it never fails).
	 * @param value an input
	 * @return a completed future of a result depending on the input
	 */
	@Fallback("recover")
	public CompletableFuture<Integer> fallback(int value) {
		return CompletableFuture.completedFuture(value + 1);
	}

	/**
	 * The work behind all five guards.
	 * @param value an input
	 * @return a completed future of a result depending on the input
	 */
	@Fallback("recover")
	@Retry(name = "bench-stage-all-retry")
	@Timeout(name = "bench-stage-all-timeout", value = "10s")
	@Bounded(name = "bench-stage-all-bounded", value = 10_000)
	@Throttle(name = "bench-stage-all-throttle", rate = 1e12, burst = 1_000_000)
	public CompletableFuture<Integer> all(int value) {
		return CompletableFuture.completedFuture(value + 1);
	}

	CompletableFuture<Integer> recover(int value) {
		return CompletableFuture.completedFuture(-value);
	}

}
