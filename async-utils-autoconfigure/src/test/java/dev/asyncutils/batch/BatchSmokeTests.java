package dev.asyncutils.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

class BatchSmokeTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(TaskExecutionAutoConfiguration.class, AsyncUtilsAutoConfiguration.class));

	@Test
	void processesInOrderWithRetriesAndCallbacks() {
		this.runner.withPropertyValues("async-utils.batch.batch-size=10", "async-utils.batch.max-concurrent=3")
			.run((context) -> {
				BatchProcessor processor = context.getBean(BatchProcessor.class);
				List<Long> callbacks = new CopyOnWriteArrayList<>();
				AtomicInteger calls = new AtomicInteger();
				List<Integer> items = IntStream.range(0, 95).boxed().toList();
				BatchResult<Integer, Integer> result = processor
					.with((options) -> options.maxAttempts(2)
						.retryDelay(java.time.Duration.ofMillis(1))
						.onBatchComplete((batch) -> callbacks.add(batch.index())))
					.process(items, (item) -> {
						calls.incrementAndGet();
						if (item % 10 == 3 && calls.get() % 2 == 1) {
							throw new IllegalStateException("flaky " + item);
						}
						return item * 2;
					});
				assertThat(result.outcomes()).hasSize(95);
				assertThat(callbacks).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
				for (int i = 0; i < 95; i++) {
					assertThat(result.outcomes().get(i).index()).isEqualTo(i);
					assertThat(result.outcomes().get(i).item()).isEqualTo(i);
				}
				assertThat(result.succeeded() + result.failed()).isEqualTo(95);

				BatchResult<Integer, Integer> async = processor
					.processAsync(items, (item) -> CompletableFuture.supplyAsync(() -> item + 1))
					.get();
				assertThat(async.values()).containsExactlyElementsOf(IntStream.range(1, 96).boxed().toList());

				BatchResult<List<Integer>, List<Integer>> bulk = processor.processBatches(items,
						(batch) -> new ArrayList<>(batch));
				assertThat(bulk.outcomes()).hasSize(10);
				assertThat(bulk.outcomes().get(9).value()).containsExactly(90, 91, 92, 93, 94);

				AtomicInteger seen = new AtomicInteger();
				BatchSummary summary = processor.stream(LongStream.range(0, 10_000).boxed(), (item) -> item,
						(batch) -> seen.addAndGet(batch.outcomes().size()));
				assertThat(summary.succeeded()).isEqualTo(10_000);
				assertThat(summary.batches()).isEqualTo(1_000);
				assertThat(seen.get()).isEqualTo(10_000);

				BatchResult<Integer, Integer> failFast = processor
					.with((options) -> options.failFast(true).maxConcurrent(1))
					.process(items, (item) -> {
						if (item == 15) {
							throw new IllegalArgumentException("bad");
						}
						return item;
					});
				assertThat(failFast.succeeded()).isEqualTo(19);
				assertThat(failFast.failed()).isEqualTo(76);
				assertThat(failFast.outcomes().get(20).error())
					.isInstanceOf(java.util.concurrent.CancellationException.class);
				assertThat(failFast.outcomes().get(20).attempts()).isZero();
			});
	}

}
