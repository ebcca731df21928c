package dev.asyncutils.batch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.asyncutils.batch.BatchTestSupport.TestProcessor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code stream} pulls lazily: never more than the batches in flight ahead of the sink,
 * on finite and infinite sources; ten million items run to the end in a JVM with a 64 MB
 * heap.
 */
class BatchStreamTests {

	@Test
	void pullsNoMoreThanTheBatchesInFlightAheadOfTheSink() throws Exception {
		int batchSize = 10;
		int maxConcurrent = 3;
		AtomicLong pulled = new AtomicLong();
		AtomicLong delivered = new AtomicLong();
		AtomicLong maxAhead = new AtomicLong();
		AtomicLong maxAheadInItems = new AtomicLong();
		try (TestProcessor test = TestProcessor
			.cached((options) -> options.batchSize(batchSize).maxConcurrent(maxConcurrent))) {
			Stream<Long> source = Stream.generate(pulled::incrementAndGet).limit(2_000);
			BatchSummary summary = test.processor.stream(source, (item) -> {
				maxAheadInItems.accumulateAndGet(pulled.get() - delivered.get(), Math::max);
				Thread.sleep(item % 3);
				return item;
			}, (batch) -> {
				maxAhead.accumulateAndGet(pulled.get() - delivered.get(), Math::max);
				delivered.addAndGet(batch.outcomes().size());
			});
			assertThat(summary.succeeded()).isEqualTo(2_000);
			assertThat(summary.batches()).isEqualTo(200);
			assertThat(pulled.get()).isEqualTo(2_000);
			assertThat(delivered.get()).isEqualTo(2_000);
			assertThat(maxAhead.get()).isLessThanOrEqualTo(maxConcurrent * batchSize);
			assertThat(maxAheadInItems.get()).isLessThanOrEqualTo(maxConcurrent * batchSize);
			// the ceiling is reached: batches did run side by side
			assertThat(maxAhead.get()).isGreaterThan(batchSize);
		}
	}

	@Test
	void pullsLazilyFromAnInfiniteSourceUntilTheSinkStopsIt() throws Exception {
		int batchSize = 25;
		int maxConcurrent = 2;
		AtomicLong pulled = new AtomicLong();
		AtomicLong delivered = new AtomicLong();
		List<Long> aheadAtSink = new CopyOnWriteArrayList<>();
		RuntimeException enough = new IllegalStateException("enough");
		try (TestProcessor test = TestProcessor
			.cached((options) -> options.batchSize(batchSize).maxConcurrent(maxConcurrent))) {
			Stream<Long> source = Stream.iterate(0L, (item) -> item + 1).peek((item) -> pulled.incrementAndGet());
			try {
				test.processor.stream(source, (item) -> item * 2, (batch) -> {
					aheadAtSink.add(pulled.get() - delivered.get());
					delivered.addAndGet(batch.outcomes().size());
					if (batch.index() == 99) {
						throw enough;
					}
				});
			}
			catch (IllegalStateException ex) {
				assertThat(ex).isSameAs(enough);
			}
			assertThat(delivered.get()).isEqualTo(100 * batchSize);
			assertThat(aheadAtSink).hasSize(100)
				.allSatisfy((ahead) -> assertThat(ahead).isBetween((long) batchSize, (long) maxConcurrent * batchSize));
			assertThat(pulled.get()).isLessThanOrEqualTo(delivered.get() + (long) maxConcurrent * batchSize);
		}
	}

	@Test
	void tenMillionItemsStreamThroughA64MegabyteHeap(@TempDir Path temp) throws Exception {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		String classPath = System.getProperty("java.class.path");
		assertThat(classPath).contains("test-classes");
		Path output = temp.resolve("output.txt");
		Process process = new ProcessBuilder(java, "-Xmx64m", "-cp", classPath, StreamMemoryCheck.class.getName())
			.redirectErrorStream(true)
			.redirectOutput(output.toFile())
			.start();
		long start = System.nanoTime();
		boolean exited = process.waitFor(5, TimeUnit.MINUTES);
		if (!exited) {
			process.destroyForcibly();
		}
		String printed = Files.readString(output, StandardCharsets.UTF_8);
		System.out.println("StreamMemoryCheck took " + BatchTestSupport.millisSince(start) + " ms:"
				+ System.lineSeparator() + printed);
		assertThat(exited).as("finished within 5 minutes").isTrue();
		assertThat(process.exitValue()).as(printed).isZero();
		assertThat(printed).contains("succeeded=10000000, failed=0")
			.contains("batches=100000")
			.contains("delivered: 10000000")
			.doesNotContain("OutOfMemoryError");
	}

}
