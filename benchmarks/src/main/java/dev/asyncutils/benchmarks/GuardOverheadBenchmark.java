package dev.asyncutils.benchmarks;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.context.ConfigurableApplicationContext;

import dev.asyncutils.AsyncUtils;
import dev.asyncutils.Guard;

/**
 * Per-call cost of programmatic guards ({@code AsyncUtils.guard(name)}) around the same
 * trivial work as {@link PlainOverheadBenchmark} and {@link StageOverheadBenchmark}, with
 * the same settings as the annotations there: compare {@code guardRetry} with
 * {@code PlainOverheadBenchmark.retry}, {@code guardAllFive} with {@code allFive}, and so
 * on (issue 14: within 20 % of the annotations' overhead). Each guard has instance names
 * of its own, so it shares no bucket or limit with the annotated methods.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GuardOverheadBenchmark {

	/**
	 * Our retry step alone.
	 * @param guards the state
	 * @return the result
	 * @throws Exception never
	 */
	@Benchmark
	public int guardRetry(Guards guards) throws Exception {
		int value = guards.value++;
		return guards.retry.call(() -> work(value));
	}

	/**
	 * Our timeout step alone.
	 * @param guards the state
	 * @return the result
	 * @throws Exception never
	 */
	@Benchmark
	public int guardTimeout(Guards guards) throws Exception {
		int value = guards.value++;
		return guards.timeout.call(() -> work(value));
	}

	/**
	 * Our throttle step alone.
	 * @param guards the state
	 * @return the result
	 * @throws Exception never
	 */
	@Benchmark
	public int guardThrottle(Guards guards) throws Exception {
		int value = guards.value++;
		return guards.throttle.call(() -> work(value));
	}

	/**
	 * Our bounded step alone.
	 * @param guards the state
	 * @return the result
	 * @throws Exception never
	 */
	@Benchmark
	public int guardBounded(Guards guards) throws Exception {
		int value = guards.value++;
		return guards.bounded.call(() -> work(value));
	}

	/**
	 * A guard with no step and a fallback function (the {@code @Fallback} alone case).
	 * @param guards the state
	 * @return the result
	 */
	@Benchmark
	public int guardFallback(Guards guards) {
		int value = guards.value++;
		return guards.none.call(() -> work(value), (failure) -> -value);
	}

	/**
	 * All four steps and a fallback function.
	 * @param guards the state
	 * @return the result
	 */
	@Benchmark
	public int guardAllFive(Guards guards) {
		int value = guards.value++;
		return guards.all.call(() -> work(value), (failure) -> -value);
	}

	/**
	 * All four steps around a {@code CompletableFuture}.
	 * @param guards the state
	 * @return the result
	 */
	@Benchmark
	public int guardStageAllFour(Guards guards) {
		int value = guards.value++;
		return guards.stageAll.callAsync(() -> CompletableFuture.completedFuture(work(value))).join();
	}

	/**
	 * The retry step around a {@code CompletableFuture}.
	 * @param guards the state
	 * @return the result
	 */
	@Benchmark
	public int guardStageRetry(Guards guards) {
		int value = guards.value++;
		return guards.retry.callAsync(() -> CompletableFuture.completedFuture(work(value))).join();
	}

	static int work(int value) {
		return value + 1;
	}

	/**
	 * async-utils with the guards built once, settings as on {@link Target}.
	 */
	@State(Scope.Benchmark)
	public static class Guards {

		private ConfigurableApplicationContext context;

		Guard retry;

		Guard timeout;

		Guard throttle;

		Guard bounded;

		Guard none;

		Guard all;

		Guard stageAll;

		int value;

		/**
		 * Start the context and build the guards.
		 */
		@Setup(Level.Trial)
		public void start() {
			this.context = Contexts.start(OverheadStates.Ours.App.class, Contexts.ASYNC_UTILS);
			AsyncUtils asyncUtils = this.context.getBean(AsyncUtils.class);
			this.retry = asyncUtils.guard("bench-guard-retry").retry().build();
			this.timeout = asyncUtils.guard("bench-guard-timeout")
				.timeout((timeout) -> timeout.duration(Duration.ofSeconds(10)))
				.build();
			this.throttle = asyncUtils.guard("bench-guard-throttle")
				.throttle((throttle) -> throttle.rate(1e12).burst(1_000_000))
				.build();
			this.bounded = asyncUtils.guard("bench-guard-bounded")
				.bounded((bounded) -> bounded.maxConcurrent(10_000))
				.build();
			this.none = asyncUtils.guard("bench-guard-fallback").build();
			this.all = all(asyncUtils, "bench-guard-all");
			this.stageAll = all(asyncUtils, "bench-guard-stage-all");
		}

		private static Guard all(AsyncUtils asyncUtils, String name) {
			return asyncUtils.guard(name)
				.retry()
				.timeout((timeout) -> timeout.duration(Duration.ofSeconds(10)))
				.bounded((bounded) -> bounded.maxConcurrent(10_000))
				.throttle((throttle) -> throttle.rate(1e12).burst(1_000_000))
				.build();
		}

		/**
		 * Close the context.
		 */
		@TearDown(Level.Trial)
		public void stop() {
			this.context.close();
		}

	}

}
