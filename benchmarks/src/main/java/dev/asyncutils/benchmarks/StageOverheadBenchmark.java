package dev.asyncutils.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * Per-call cost of each guard on a method returning an already completed
 * {@code CompletableFuture}, uncontended, permits and slots always free; each benchmark
 * joins the returned future. The same contenders as {@link PlainOverheadBenchmark}, plus
 * Resilience4j's {@code @TimeLimiter}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StageOverheadBenchmark {

	/**
	 * The direct call.
	 * @param floor the state
	 * @return the result
	 */
	@Benchmark
	public int direct(OverheadStates.Floor floor) {
		return floor.stageDirect.plain(floor.value++).join();
	}

	/**
	 * The floor: a no-op interceptor on a CGLIB proxy.
	 * @param floor the state
	 * @return the result
	 */
	@Benchmark
	public int noOpInterceptor(OverheadStates.Floor floor) {
		return floor.stageNoOp.plain(floor.value++).join();
	}

	/**
	 * Our {@code @Retry} alone.
	 * @param ours the state
	 * @return the result
	 */
	@Benchmark
	public int retry(OverheadStates.Ours ours) {
		return ours.stageTarget.retry(ours.value++).join();
	}

	/**
	 * Our {@code @Timeout} alone.
	 * @param ours the state
	 * @return the result
	 */
	@Benchmark
	public int timeout(OverheadStates.Ours ours) {
		return ours.stageTarget.timeout(ours.value++).join();
	}

	/**
	 * Our {@code @Throttle} alone.
	 * @param ours the state
	 * @return the result
	 */
	@Benchmark
	public int throttle(OverheadStates.Ours ours) {
		return ours.stageTarget.throttle(ours.value++).join();
	}

	/**
	 * Our {@code @Bounded} alone.
	 * @param ours the state
	 * @return the result
	 */
	@Benchmark
	public int bounded(OverheadStates.Ours ours) {
		return ours.stageTarget.bounded(ours.value++).join();
	}

	/**
	 * Our {@code @CircuitBreaker} alone, closed.
	 * @param ours the state
	 * @return the result
	 */
	@Benchmark
	public int circuitBreaker(OverheadStates.Ours ours) {
		return ours.stageTarget.circuitBreaker(ours.value++).join();
	}

	/**
	 * Our {@code @Fallback} alone.
	 * @param ours the state
	 * @return the result
	 */
	@Benchmark
	public int fallback(OverheadStates.Ours ours) {
		return ours.stageTarget.fallback(ours.value++).join();
	}

	/**
	 * All five of ours stacked.
	 * @param ours the state
	 * @return the result
	 */
	@Benchmark
	public int allFive(OverheadStates.Ours ours) {
		return ours.stageTarget.all(ours.value++).join();
	}

	/**
	 * Resilience4j's {@code @RateLimiter}.
	 * @param r4j the state
	 * @return the result
	 */
	@Benchmark
	public int r4jRateLimiter(OverheadStates.Resilience4j r4j) {
		return r4j.target.stageRateLimiter(r4j.value++).join();
	}

	/**
	 * Resilience4j's {@code @Retry}.
	 * @param r4j the state
	 * @return the result
	 */
	@Benchmark
	public int r4jRetry(OverheadStates.Resilience4j r4j) {
		return r4j.target.stageRetry(r4j.value++).join();
	}

	/**
	 * Resilience4j's {@code @CircuitBreaker}, closed.
	 * @param r4j the state
	 * @return the result
	 */
	@Benchmark
	public int r4jCircuitBreaker(OverheadStates.Resilience4j r4j) {
		return r4j.target.stageCircuitBreaker(r4j.value++).join();
	}

	/**
	 * Resilience4j's semaphore {@code @Bulkhead}.
	 * @param r4j the state
	 * @return the result
	 */
	@Benchmark
	public int r4jBulkhead(OverheadStates.Resilience4j r4j) {
		return r4j.target.stageBulkhead(r4j.value++).join();
	}

	/**
	 * Resilience4j's {@code @TimeLimiter}.
	 * @param r4j the state
	 * @return the result
	 */
	@Benchmark
	public int r4jTimeLimiter(OverheadStates.Resilience4j r4j) {
		return r4j.target.stageTimeLimiter(r4j.value++).join();
	}

	/**
	 * Spring's {@code @Retryable}.
	 * @param spring the state
	 * @return the result
	 */
	@Benchmark
	public int springRetryable(OverheadStates.SpringResilience spring) {
		return spring.target.stageRetryable(spring.value++).join();
	}

	/**
	 * Spring's {@code @ConcurrencyLimit}.
	 * @param spring the state
	 * @return the result
	 */
	@Benchmark
	public int springConcurrencyLimit(OverheadStates.SpringResilience spring) {
		return spring.target.stageConcurrencyLimit(spring.value++).join();
	}

}
