package dev.asyncutils.benchmarks;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * JMH's command line plus a summary: runs the benchmarks selected by the usual JMH
 * arguments, then prints the overhead tables (ratios and differences to the no-op
 * interceptor floor, the peers side by side) and the contention table (ratio to the best
 * peer), and writes them to {@code benchmarks/target/results/jmh-summary.md}.
 */
public final class Suite {

	static final String ALLOCATION = "gc.alloc.rate.norm";

	private Suite() {
	}

	/**
	 * Run JMH and summarize.
	 * @param args JMH's command-line arguments
	 * @throws Exception if JMH fails
	 */
	public static void main(String[] args) throws Exception {
		CommandLineOptions options = new CommandLineOptions(args);
		Collection<RunResult> results = new Runner(options).run();
		String summary = summarize(results);
		System.out.println();
		System.out.println(summary);
		Reports.write("jmh-summary.md", summary);
	}

	static String summarize(Collection<RunResult> results) {
		Map<String, Score> scores = new LinkedHashMap<>();
		for (RunResult result : results) {
			String benchmark = result.getParams().getBenchmark();
			String name = benchmark.substring(benchmark.lastIndexOf('.', benchmark.lastIndexOf('.') - 1) + 1);
			String limiter = result.getParams().getParam("limiter");
			if (limiter != null) {
				name = name + "/" + limiter;
			}
			Result<?> primary = result.getPrimaryResult();
			Result<?> allocation = result.getSecondaryResults().get(ALLOCATION);
			if (allocation == null) {
				allocation = result.getSecondaryResults().get("·" + ALLOCATION);
			}
			boolean lowerIsBetter = result.getParams().getMode() != Mode.Throughput;
			double best = lowerIsBetter ? Double.MAX_VALUE : 0;
			for (BenchmarkResult fork : result.getBenchmarkResults()) {
				for (IterationResult iteration : fork.getIterationResults()) {
					double score = iteration.getPrimaryResult().getScore();
					best = lowerIsBetter ? Math.min(best, score) : Math.max(best, score);
				}
			}
			scores.put(name, new Score(primary.getScore(), primary.getScoreError(), best,
					(allocation != null) ? allocation.getScore() : Double.NaN));
		}
		StringBuilder out = new StringBuilder();
		overhead(out, scores, "PlainOverheadBenchmark", "Per-call overhead, plain method");
		overhead(out, scores, "StageOverheadBenchmark",
				"Per-call overhead, method returning an already completed CompletableFuture (joined)");
		contention(out, scores);
		others(out, scores);
		return out.toString();
	}

	private static final String[][] ROWS = { { "direct", "direct call" },
			{ "noOpInterceptor", "no-op Spring AOP interceptor (the floor)" }, { "throttle", "ours: @Throttle" },
			{ "retry", "ours: @Retry" }, { "bounded", "ours: @Bounded" }, { "timeout", "ours: @Timeout" },
			{ "fallback", "ours: @Fallback" }, { "allFive", "ours: all five stacked" },
			{ "r4jRateLimiter", "Resilience4j @RateLimiter" }, { "r4jRetry", "Resilience4j @Retry" },
			{ "r4jBulkhead", "Resilience4j @Bulkhead (semaphore)" }, { "r4jTimeLimiter", "Resilience4j @TimeLimiter" },
			{ "r4jAllThree", "Resilience4j @Retry + @Bulkhead + @RateLimiter" },
			{ "springRetryable", "Spring @Retryable" }, { "springConcurrencyLimit", "Spring @ConcurrencyLimit" } };

	/** Ours, then the peers' equivalents. */
	private static final String[][] MATCHES = { { "throttle", "r4jRateLimiter" },
			{ "retry", "r4jRetry", "springRetryable" }, { "bounded", "r4jBulkhead", "springConcurrencyLimit" },
			{ "timeout", "r4jTimeLimiter" }, { "allFive", "r4jAllThree" } };

	private static void overhead(StringBuilder out, Map<String, Score> scores, String benchmark, String title) {
		Score floor = scores.get(benchmark + ".noOpInterceptor");
		if (floor == null) {
			return;
		}
		out.append("### ").append(title).append("\n\n");
		out.append("| benchmark | ns/op | ± | best iteration ns/op | bytes/op | ns over the floor "
				+ "| best-iteration ns over the floor | bytes over the floor | x floor |\n");
		out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
		for (String[] row : ROWS) {
			Score score = scores.get(benchmark + "." + row[0]);
			if (score == null) {
				continue;
			}
			boolean isFloorOrDirect = row[0].equals("direct") || row[0].equals("noOpInterceptor");
			out.append("| ")
				.append(row[1])
				.append(" | ")
				.append(Reports.fixed(score.value(), 1))
				.append(" | ")
				.append(Reports.fixed(score.error(), 1))
				.append(" | ")
				.append(Reports.fixed(score.best(), 1))
				.append(" | ")
				.append(Reports.fixed(score.bytes(), 0))
				.append(" | ")
				.append(isFloorOrDirect ? "—" : Reports.fixed(score.value() - floor.value(), 1))
				.append(" | ")
				.append(isFloorOrDirect ? "—" : Reports.fixed(score.best() - floor.best(), 1))
				.append(" | ")
				.append(isFloorOrDirect ? "—" : Reports.fixed(score.bytes() - floor.bytes(), 0))
				.append(" | ")
				.append(Reports.fixed(score.value() / floor.value(), 2))
				.append(" |\n");
		}
		out.append("\nOurs against each peer's equivalent: mean ns over the floor (best-iteration ns over the floor; "
				+ "bytes over the floor):\n\n");
		out.append("| ours | ns (best; B) | peer | ns (best; B) | peer / ours (mean) | who wins (mean) "
				+ "| who wins (best iteration) | who allocates less |\n|---|---:|---|---:|---:|---|---|---|\n");
		for (String[] match : MATCHES) {
			Score ours = scores.get(benchmark + "." + match[0]);
			if (ours == null) {
				continue;
			}
			for (int i = 1; i < match.length; i++) {
				Score peer = scores.get(benchmark + "." + match[i]);
				if (peer == null) {
					continue;
				}
				double oursOver = ours.value() - floor.value();
				double peerOver = peer.value() - floor.value();
				double oursBest = ours.best() - floor.best();
				double peerBest = peer.best() - floor.best();
				double oursBytes = ours.bytes() - floor.bytes();
				double peerBytes = peer.bytes() - floor.bytes();
				out.append("| ")
					.append(label(match[0]))
					.append(" | ")
					.append(Reports.fixed(oursOver, 1))
					.append(" (")
					.append(Reports.fixed(oursBest, 1))
					.append("; ")
					.append(Reports.fixed(oursBytes, 0))
					.append(") | ")
					.append(label(match[i]))
					.append(" | ")
					.append(Reports.fixed(peerOver, 1))
					.append(" (")
					.append(Reports.fixed(peerBest, 1))
					.append("; ")
					.append(Reports.fixed(peerBytes, 0))
					.append(") | ")
					.append((oursOver > 0 && peerOver > 0) ? Reports.fixed(peerOver / oursOver, 2) : "—")
					.append(" | ")
					.append(winner(oursOver, peerOver, " ns"))
					.append(" | ")
					.append(winner(oursBest, peerBest, " ns"))
					.append(" | ")
					.append(winner(oursBytes, peerBytes, " B"))
					.append(" |\n");
			}
		}
		out.append("\n");
	}

	/**
	 * Every benchmark the tables above do not show (e.g. ones added later), as measured.
	 */
	private static void others(StringBuilder out, Map<String, Score> scores) {
		List<String> rows = new ArrayList<>();
		scores.forEach((name, score) -> {
			boolean shown = name.startsWith("ThrottleContentionBenchmark.");
			for (String[] row : ROWS) {
				shown |= name.equals("PlainOverheadBenchmark." + row[0])
						|| name.equals("StageOverheadBenchmark." + row[0]);
			}
			if (!shown) {
				rows.add("| " + name + " | " + Reports.fixed(score.value(), 2) + " | " + Reports.fixed(score.error(), 2)
						+ " | " + Reports.fixed(score.best(), 2) + " | " + Reports.fixed(score.bytes(), 0) + " |\n");
			}
		});
		if (!rows.isEmpty()) {
			out.append("### Other benchmarks (score in each benchmark's own unit)\n\n");
			out.append("| benchmark | score | ± | best iteration | bytes/op |\n|---|---:|---:|---:|---:|\n");
			rows.forEach(out::append);
			out.append("\n");
		}
	}

	private static String winner(double ours, double peer, String unit) {
		if (ours == peer) {
			return "tie";
		}
		return (ours < peer) ? "ours" : "peer, by " + Reports.fixed(ours - peer, 1) + unit;
	}

	private static String label(String key) {
		for (String[] row : ROWS) {
			if (row[0].equals(key)) {
				return row[1];
			}
		}
		return key;
	}

	private static void contention(StringBuilder out, Map<String, Score> scores) {
		String[] limiters = { "OURS", "RESILIENCE4J", "BUCKET4J", "GUAVA" };
		List<String> rows = new ArrayList<>();
		for (int threads : new int[] { 1, 2, 4 }) {
			String method = "ThrottleContentionBenchmark.threads" + threads;
			if (scores.get(method + "/OURS") == null) {
				continue;
			}
			StringBuilder row = new StringBuilder("| " + threads);
			double best = 0;
			String bestName = "";
			for (String limiter : limiters) {
				Score score = scores.get(method + "/" + limiter);
				row.append(" | ")
					.append((score != null) ? Reports.fixed(score.value(), 2) + " ± " + Reports.fixed(score.error(), 2)
							: "—");
				if (score != null && !limiter.equals("OURS") && score.value() > best) {
					best = score.value();
					bestName = Limiters.valueOf(limiter).label();
				}
			}
			Score ours = scores.get(method + "/OURS");
			double bestPeerIteration = 0;
			for (String limiter : limiters) {
				Score score = scores.get(method + "/" + limiter);
				if (score != null && !limiter.equals("OURS")) {
					bestPeerIteration = Math.max(bestPeerIteration, score.best());
				}
			}
			row.append(" | ")
				.append(bestName)
				.append(" | ")
				.append(Reports.fixed(ours.value() / best, 2))
				.append(" | ")
				.append(Reports.fixed(ours.best() / bestPeerIteration, 2))
				.append(" |\n");
			rows.add(row.toString());
		}
		if (rows.isEmpty()) {
			return;
		}
		out.append("### Throttle under contention, one shared limiter, ops/µs (higher is better)\n\n");
		out.append("| threads | async-utils TokenBucket | Resilience4j AtomicRateLimiter | Bucket4j local lock-free "
				+ "| Guava RateLimiter | best peer (mean) | ours / best peer (mean) "
				+ "| ours / best peer (best iterations) |\n");
		out.append("|---:|---:|---:|---:|---:|---|---:|---:|\n");
		rows.forEach(out::append);
		out.append("\n");
	}

	/**
	 * One benchmark's result.
	 *
	 * @param value the mean score
	 * @param error the 99.9% confidence half-width
	 * @param best the best iteration (least disturbed by other load on a shared machine)
	 * @param bytes the bytes allocated per operation
	 */
	record Score(double value, double error, double best, double bytes) {
	}

}
