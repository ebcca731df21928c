package dev.asyncutils.benchmarks;

import java.util.concurrent.CompletableFuture;

import io.github.resilience4j.bulkhead.annotation.Bulkhead;
import io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker;
import io.github.resilience4j.ratelimiter.annotation.RateLimiter;
import io.github.resilience4j.retry.annotation.Retry;
import io.github.resilience4j.timelimiter.annotation.TimeLimiter;

/**
 * The same trivial work as {@link Target} and {@link StageTarget} behind Resilience4j's
 * annotations (Spring AOP with AspectJ aspects). The instances are configured in
 * {@code OverheadStates.Resilience4j} so that nothing ever waits or retries.
 */
public class Resilience4jTarget {

	/**
	 * The work behind {@code @RateLimiter}.
	 * @param value an input
	 * @return a result depending on the input
	 */
	@RateLimiter(name = "bench")
	public int rateLimiter(int value) {
		return value + 1;
	}

	/**
	 * The work behind {@code @Retry} (it never fails).
	 * @param value an input
	 * @return a result depending on the input
	 */
	@Retry(name = "bench")
	public int retry(int value) {
		return value + 1;
	}

	/**
	 * The work behind a semaphore {@code @Bulkhead}.
	 * @param value an input
	 * @return a result depending on the input
	 */
	@Bulkhead(name = "bench")
	public int bulkhead(int value) {
		return value + 1;
	}

	/**
	 * The work behind {@code @CircuitBreaker} (it never fails: the breaker stays closed).
	 * @param value an input
	 * @return a result depending on the input
	 */
	@CircuitBreaker(name = "bench")
	public int circuitBreaker(int value) {
		return value + 1;
	}

	/**
	 * The work behind all three.
	 * @param value an input
	 * @return a result depending on the input
	 */
	@Retry(name = "bench-all")
	@Bulkhead(name = "bench-all")
	@RateLimiter(name = "bench-all")
	public int all(int value) {
		return value + 1;
	}

	/**
	 * The asynchronous work behind {@code @RateLimiter}.
	 * @param value an input
	 * @return a completed future of a result depending on the input
	 */
	@RateLimiter(name = "bench")
	public CompletableFuture<Integer> stageRateLimiter(int value) {
		return CompletableFuture.completedFuture(value + 1);
	}

	/**
	 * The asynchronous work behind {@code @Retry}.
	 * @param value an input
	 * @return a completed future of a result depending on the input
	 */
	@Retry(name = "bench")
	public CompletableFuture<Integer> stageRetry(int value) {
		return CompletableFuture.completedFuture(value + 1);
	}

	/**
	 * The asynchronous work behind a semaphore {@code @Bulkhead}.
	 * @param value an input
	 * @return a completed future of a result depending on the input
	 */
	@Bulkhead(name = "bench")
	public CompletableFuture<Integer> stageBulkhead(int value) {
		return CompletableFuture.completedFuture(value + 1);
	}

	/**
	 * The asynchronous work behind {@code @CircuitBreaker}.
	 * @param value an input
	 * @return a completed future of a result depending on the input
	 */
	@CircuitBreaker(name = "bench")
	public CompletableFuture<Integer> stageCircuitBreaker(int value) {
		return CompletableFuture.completedFuture(value + 1);
	}

	/**
	 * The asynchronous work behind {@code @TimeLimiter}.
	 * @param value an input
	 * @return a completed future of a result depending on the input
	 */
	@TimeLimiter(name = "bench")
	public CompletableFuture<Integer> stageTimeLimiter(int value) {
		return CompletableFuture.completedFuture(value + 1);
	}

}
