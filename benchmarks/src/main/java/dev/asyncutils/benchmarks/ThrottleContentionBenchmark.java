package dev.asyncutils.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * Throughput of one shared rate limiter under contention, 1, 2 and 4 threads, with a rate
 * (10^9 per second) and burst (10^6) high enough never to refuse a permit: our
 * {@code TokenBucket} against Resilience4j's {@code AtomicRateLimiter}, Bucket4j's local
 * lock-free bucket and Guava's {@code RateLimiter}, each through its programmatic API. A
 * refused permit fails the trial, so every counted operation is a granted one.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class ThrottleContentionBenchmark {

	static final long RATE = 1_000_000_000L;

	static final int BURST = 1_000_000;

	/** The limiter measured. */
	@Param({ "OURS", "RESILIENCE4J", "BUCKET4J", "GUAVA" })
	public String limiter;

	private BooleanSupplier permit;

	private final LongAdder refused = new LongAdder();

	/**
	 * Build the limiter.
	 */
	@Setup(Level.Trial)
	public void start() {
		this.permit = Limiters.valueOf(this.limiter).create(RATE, BURST);
	}

	/**
	 * Report the permits refused, if any.
	 * @param params the benchmark parameters
	 * @throws IOException if the report cannot be written
	 */
	@TearDown(Level.Trial)
	public void report(BenchmarkParams params) throws IOException {
		long refusals = this.refused.sum();
		if (refusals != 0) {
			String line = params.getBenchmark() + " " + this.limiter + " threads=" + params.getThreads() + " refused "
					+ refusals + " permits" + System.lineSeparator();
			System.out.print(line);
			Path report = Path.of("benchmarks", "target", "contention-refusals.txt");
			Files.createDirectories(report.getParent());
			Files.writeString(report, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
	}

	private boolean take() {
		boolean taken = this.permit.getAsBoolean();
		if (!taken) {
			this.refused.increment();
		}
		return taken;
	}

	/**
	 * One thread.
	 * @return whether the permit was taken
	 */
	@Benchmark
	@Threads(1)
	public boolean threads1() {
		return take();
	}

	/**
	 * Two threads on the same limiter.
	 * @return whether the permit was taken
	 */
	@Benchmark
	@Threads(2)
	public boolean threads2() {
		return take();
	}

	/**
	 * Four threads on the same limiter.
	 * @return whether the permit was taken
	 */
	@Benchmark
	@Threads(4)
	public boolean threads4() {
		return take();
	}

}
