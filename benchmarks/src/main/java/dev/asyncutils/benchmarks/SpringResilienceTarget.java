package dev.asyncutils.benchmarks;

import java.util.concurrent.CompletableFuture;

import org.springframework.resilience.annotation.ConcurrencyLimit;
import org.springframework.resilience.annotation.Retryable;

/**
 * The same trivial work as {@link Target} and {@link StageTarget} behind Spring Framework
 * 7's {@code @Retryable} and {@code @ConcurrencyLimit}.
 */
public class SpringResilienceTarget {

	/**
	 * The work behind {@code @Retryable} (it never fails).
	 * @param value an input
	 * @return a result depending on the input
	 */
	@Retryable
	public int retryable(int value) {
		return value + 1;
	}

	/**
	 * The work behind {@code @ConcurrencyLimit} with a limit never reached.
	 * @param value an input
	 * @return a result depending on the input
	 */
	@ConcurrencyLimit(10_000)
	public int concurrencyLimit(int value) {
		return value + 1;
	}

	/**
	 * The asynchronous work behind {@code @Retryable}: Spring retries a method returning
	 * a {@code Future} only when the call throws, not when the future fails.
	 * @param value an input
	 * @return a completed future of a result depending on the input
	 */
	@Retryable
	public CompletableFuture<Integer> stageRetryable(int value) {
		return CompletableFuture.completedFuture(value + 1);
	}

	/**
	 * The asynchronous work behind {@code @ConcurrencyLimit}: the slot is held until the
	 * method returns, not until the future completes.
	 * @param value an input
	 * @return a completed future of a result depending on the input
	 */
	@ConcurrencyLimit(10_000)
	public CompletableFuture<Integer> stageConcurrencyLimit(int value) {
		return CompletableFuture.completedFuture(value + 1);
	}

}
