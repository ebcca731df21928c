package dev.asyncutils.batch;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.batch.BatchTestSupport.TestProcessor;

import static dev.asyncutils.batch.BatchTestSupport.items;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Options: {@code with(...)} copies, builder validation, {@code async-utils.batch.*}
 * binding and startup validation naming the property, the executor used by the bean.
 */
class BatchConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(TaskExecutionAutoConfiguration.class, AsyncUtilsAutoConfiguration.class));

	@Test
	void withReturnsAnIndependentCopy() throws Exception {
		Consumer<Batch<?, ?>> callback = (batch) -> {
		};
		List<String> threads = new CopyOnWriteArrayList<>();
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(7).maxAttempts(2))) {
			BatchOptions original = test.processor.options();
			BatchProcessor copy = test.processor.with((options) -> options.batchSize(3)
				.maxConcurrent(9)
				.maxAttempts(5)
				.retryDelay(Duration.ofSeconds(1))
				.retryMultiplier(1.5)
				.delayBetweenBatches(Duration.ofMillis(20))
				.failFast(true)
				.itemTimeout(Duration.ofSeconds(4))
				.onBatchComplete(callback));
			assertThat(test.processor.options()).isSameAs(original);
			assertOptions(original, 7, BatchOptions.DEFAULT_MAX_CONCURRENT, 2, BatchOptions.DEFAULT_RETRY_DELAY,
					BatchOptions.DEFAULT_RETRY_MULTIPLIER, Duration.ZERO, false, null);
			assertOptions(copy.options(), 3, 9, 5, Duration.ofSeconds(1), 1.5, Duration.ofMillis(20), true,
					Duration.ofSeconds(4));
			assertThat(copy.options().onBatchComplete()).isSameAs(callback);
			assertThat(original.onBatchComplete()).isNotSameAs(callback);
			// a copy of the copy starts from the copy's options
			BatchProcessor second = copy.with((options) -> options.failFast(false));
			assertOptions(second.options(), 3, 9, 5, Duration.ofSeconds(1), 1.5, Duration.ofMillis(20), false,
					Duration.ofSeconds(4));
			assertOptions(copy.options(), 3, 9, 5, Duration.ofSeconds(1), 1.5, Duration.ofMillis(20), true,
					Duration.ofSeconds(4));
			// the copy shares the original's executor
			copy.process(items(3), (item) -> threads.add(Thread.currentThread().getName()));
			assertThat(threads).hasSize(3)
				.allSatisfy((name) -> assertThat(name).startsWith(BatchTestSupport.WORKER_PREFIX));
		}
	}

	@Test
	void withRejectsABadChangeAndLeavesTheOriginalAlone() throws Exception {
		try (TestProcessor test = TestProcessor.cached((options) -> options.batchSize(7))) {
			assertThatIllegalArgumentException()
				.isThrownBy(() -> test.processor.with((options) -> options.batchSize(2).maxConcurrent(0)))
				.withMessageContaining("maxConcurrent");
			assertThat(test.processor.options().batchSize()).isEqualTo(7);
		}
	}

	@Test
	void defaultsAreThoseOfTheContract() {
		BatchOptions defaults = BatchOptions.defaults();
		assertOptions(defaults, 100, 4, 1, Duration.ofMillis(100), 2.0, Duration.ZERO, false, null);
		this.runner.run((context) -> assertOptions(context.getBean(BatchProcessor.class).options(), 100, 4, 1,
				Duration.ofMillis(100), 2.0, Duration.ZERO, false, null));
	}

	@Test
	void builderRejectsBadValues() {
		assertRejected((builder) -> builder.batchSize(0), "batchSize");
		assertRejected((builder) -> builder.batchSize(-5), "batchSize");
		assertRejected((builder) -> builder.maxConcurrent(0), "maxConcurrent");
		assertRejected((builder) -> builder.maxAttempts(0), "maxAttempts");
		assertRejected((builder) -> builder.retryDelay(Duration.ofMillis(-1)), "retryDelay");
		assertRejected((builder) -> builder.retryMultiplier(0.5), "retryMultiplier");
		assertRejected((builder) -> builder.retryMultiplier(Double.NaN), "retryMultiplier");
		assertRejected((builder) -> builder.retryMultiplier(Double.POSITIVE_INFINITY), "retryMultiplier");
		assertRejected((builder) -> builder.delayBetweenBatches(Duration.ofSeconds(-1)), "delayBetweenBatches");
		assertRejected((builder) -> builder.itemTimeout(Duration.ZERO), "itemTimeout");
		assertRejected((builder) -> builder.itemTimeout(Duration.ofMillis(-3)), "itemTimeout");
		// the edges are accepted
		BatchOptions edges = BatchOptions.builder()
			.batchSize(1)
			.maxConcurrent(1)
			.maxAttempts(1)
			.retryDelay(Duration.ZERO)
			.retryMultiplier(1.0)
			.delayBetweenBatches(Duration.ZERO)
			.itemTimeout(Duration.ofNanos(1))
			.itemTimeout(null)
			.build();
		assertOptions(edges, 1, 1, 1, Duration.ZERO, 1.0, Duration.ZERO, false, null);
	}

	private static void assertRejected(Consumer<BatchOptions.Builder> change, String option) {
		assertThatIllegalArgumentException().isThrownBy(() -> change.accept(BatchOptions.builder()))
			.withMessageStartingWith("Invalid batch option " + option + " = ");
	}

	@Test
	void propertiesBindIntoTheOptions() {
		this.runner
			.withPropertyValues("async-utils.batch.batch-size=25", "async-utils.batch.max-concurrent=6",
					"async-utils.batch.max-attempts=3", "async-utils.batch.retry-delay=250ms",
					"async-utils.batch.retry-multiplier=1.5", "async-utils.batch.delay-between-batches=2s",
					"async-utils.batch.fail-fast=true", "async-utils.batch.item-timeout=45s")
			.run((context) -> assertOptions(context.getBean(BatchProcessor.class).options(), 25, 6, 3,
					Duration.ofMillis(250), 1.5, Duration.ofSeconds(2), true, Duration.ofSeconds(45)));
	}

	@ParameterizedTest
	@CsvSource({ "batch-size, 0", "batch-size, -1", "max-concurrent, 0", "max-attempts, 0", "retry-delay, -1s",
			"retry-multiplier, 0.5", "delay-between-batches, -5ms", "item-timeout, 0s", "item-timeout, -2s" })
	void badPropertiesFailStartupNamingTheProperty(String property, String value) {
		this.runner.withPropertyValues("async-utils.batch." + property + "=" + value).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			InvalidConfigurationPropertyValueException invalid = findCause(failure,
					InvalidConfigurationPropertyValueException.class);
			assertThat(invalid).as("cause of %s", failure).isNotNull();
			assertThat(invalid.getName()).isEqualTo("async-utils.batch." + property);
			assertThat(invalid.getMessage()).contains("async-utils.batch." + property);
		});
	}

	@Test
	void unknownBatchPropertyFailsStartup() {
		this.runner.withPropertyValues("async-utils.batch.batch-sise=10")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("batch-sise"));
	}

	@Test
	void theBeanRunsItemsOnTheApplicationTaskExecutor() {
		this.runner.withPropertyValues("spring.task.execution.thread-name-prefix=app-task-").run((context) -> {
			List<String> threads = new CopyOnWriteArrayList<>();
			BatchResult<Integer, Integer> result = context.getBean(BatchProcessor.class)
				.with((options) -> options.batchSize(5))
				.process(items(10), (item) -> {
					threads.add(Thread.currentThread().getName());
					return item;
				});
			assertThat(result.allSucceeded()).isTrue();
			assertThat(threads).hasSize(10).allSatisfy((name) -> assertThat(name).startsWith("app-task-"));
		});
	}

	private static void assertOptions(BatchOptions options, int batchSize, int maxConcurrent, int maxAttempts,
			Duration retryDelay, double retryMultiplier, Duration delayBetweenBatches, boolean failFast,
			Duration itemTimeout) {
		assertThat(options.batchSize()).isEqualTo(batchSize);
		assertThat(options.maxConcurrent()).isEqualTo(maxConcurrent);
		assertThat(options.maxAttempts()).isEqualTo(maxAttempts);
		assertThat(options.retryDelay()).isEqualTo(retryDelay);
		assertThat(options.retryMultiplier()).isEqualTo(retryMultiplier);
		assertThat(options.delayBetweenBatches()).isEqualTo(delayBetweenBatches);
		assertThat(options.failFast()).isEqualTo(failFast);
		assertThat(options.itemTimeout()).isEqualTo(itemTimeout);
	}

	private static <E extends Throwable> E findCause(Throwable failure, Class<E> type) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (type.isInstance(current)) {
				return type.cast(current);
			}
		}
		return null;
	}

}
