package dev.asyncutils.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/**
 * Per-call cost of each guard on a plain method, uncontended, permits and slots always
 * free: the direct call, the floor (a no-op Spring AOP interceptor), each of our
 * annotations alone and all five stacked, and the peers' equivalents on the same work.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PlainOverheadBenchmark {

	/**
	 * The direct call.
	 * @param floor the state
	 * @return the result
	 */
	@Benchmark
	public int direct(OverheadStates.Floor floor) {
		return floor.direct.plain(floor.value++);
	}

	/**
	 * The floor: a no-op interceptor on a CGLIB proxy.
	 * @param floor the state
	 * @return the result
	 */
	@Benchmark
	public int noOpInterceptor(OverheadStates.Floor floor) {
		return floor.noOp.plain(floor.value++);
	}

	/**
	 * Our {@code @Retry} alone.
	 * @param ours the state
	 * @return the result
	 */
	@Benchmark
	public int retry(OverheadStates.Ours ours) {
		return ours.target.retry(ours.value++);
	}

	/**
	 * Our {@code @Timeout} alone.
	 * @param ours the state
	 * @return the result
	 */
	@Benchmark
	public int timeout(OverheadStates.Ours ours) {
		return ours.target.timeout(ours.value++);
	}

	/**
	 * Our {@code @Throttle} alone.
	 * @param ours the state
	 * @return the result
	 */
	@Benchmark
	public int throttle(OverheadStates.Ours ours) {
		return ours.target.throttle(ours.value++);
	}

	/**
	 * Our {@code @Bounded} alone.
	 * @param ours the state
	 * @return the result
	 */
	@Benchmark
	public int bounded(OverheadStates.Ours ours) {
		return ours.target.bounded(ours.value++);
	}

	/**
	 * Our {@code @CircuitBreaker} alone, closed.
	 * @param ours the state
	 * @return the result
	 */
	@Benchmark
	public int circuitBreaker(OverheadStates.Ours ours) {
		return ours.target.circuitBreaker(ours.value++);
	}

	/**
	 * Our {@code @Fallback} alone.
	 * @param ours the state
	 * @return the result
	 */
	@Benchmark
	public int fallback(OverheadStates.Ours ours) {
		return ours.target.fallback(ours.value++);
	}

	/**
	 * All five of ours stacked.
	 * @param ours the state
	 * @return the result
	 */
	@Benchmark
	public int allFive(OverheadStates.Ours ours) {
		return ours.target.all(ours.value++);
	}

	/**
	 * Resilience4j's {@code @RateLimiter}.
	 * @param r4j the state
	 * @return the result
	 */
	@Benchmark
	public int r4jRateLimiter(OverheadStates.Resilience4j r4j) {
		return r4j.target.rateLimiter(r4j.value++);
	}

	/**
	 * Resilience4j's {@code @Retry}.
	 * @param r4j the state
	 * @return the result
	 */
	@Benchmark
	public int r4jRetry(OverheadStates.Resilience4j r4j) {
		return r4j.target.retry(r4j.value++);
	}

	/**
	 * Resilience4j's {@code @CircuitBreaker}, closed.
	 * @param r4j the state
	 * @return the result
	 */
	@Benchmark
	public int r4jCircuitBreaker(OverheadStates.Resilience4j r4j) {
		return r4j.target.circuitBreaker(r4j.value++);
	}

	/**
	 * Resilience4j's semaphore {@code @Bulkhead}.
	 * @param r4j the state
	 * @return the result
	 */
	@Benchmark
	public int r4jBulkhead(OverheadStates.Resilience4j r4j) {
		return r4j.target.bulkhead(r4j.value++);
	}

	/**
	 * Resilience4j's three stacked.
	 * @param r4j the state
	 * @return the result
	 */
	@Benchmark
	public int r4jAllThree(OverheadStates.Resilience4j r4j) {
		return r4j.target.all(r4j.value++);
	}

	/**
	 * Spring's {@code @Retryable}.
	 * @param spring the state
	 * @return the result
	 */
	@Benchmark
	public int springRetryable(OverheadStates.SpringResilience spring) {
		return spring.target.retryable(spring.value++);
	}

	/**
	 * Spring's {@code @ConcurrencyLimit}.
	 * @param spring the state
	 * @return the result
	 */
	@Benchmark
	public int springConcurrencyLimit(OverheadStates.SpringResilience spring) {
		return spring.target.concurrencyLimit(spring.value++);
	}

}
