package dev.asyncutils.batch;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static dev.asyncutils.batch.BatchTestSupport.awaitUntil;
import static dev.asyncutils.batch.BatchTestSupport.items;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code spring.threads.virtual.enabled=true} the auto-configured processor runs
 * items on virtual threads (Java 21+; skipped on 17), deadlines interrupt them, and many
 * blocked items need no pool.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class BatchVirtualThreadTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(TaskExecutionAutoConfiguration.class, AsyncUtilsAutoConfiguration.class))
		.withPropertyValues("spring.threads.virtual.enabled=true");

	@Test
	void itemsRunOnVirtualThreads() {
		this.runner.withPropertyValues("async-utils.batch.batch-size=500", "async-utils.batch.max-concurrent=2")
			.run((context) -> {
				List<Boolean> virtual = new CopyOnWriteArrayList<>();
				AtomicInteger running = new AtomicInteger();
				AtomicInteger maxRunning = new AtomicInteger();
				BatchResult<Integer, Integer> result = context.getBean(BatchProcessor.class)
					.process(items(2_000), (item) -> {
						virtual.add(isVirtual(Thread.currentThread()));
						maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
						try {
							Thread.sleep(100);
						}
						finally {
							running.decrementAndGet();
						}
						return item;
					});
				assertThat(result.values()).containsExactlyElementsOf(items(2_000));
				assertThat(virtual).hasSize(2_000).containsOnly(true);
				// a thousand sleeping items at once: no pool holds them back
				assertThat(maxRunning.get()).isGreaterThan(500).isLessThanOrEqualTo(1_000);
			});
	}

	@Test
	void itemTimeoutInterruptsVirtualThreads() {
		this.runner.withPropertyValues("async-utils.batch.batch-size=50", "async-utils.batch.item-timeout=100ms")
			.run((context) -> {
				AtomicInteger interrupted = new AtomicInteger();
				BatchResult<Integer, Integer> result = context.getBean(BatchProcessor.class)
					.process(items(100), (item) -> {
						if (item % 2 == 0) {
							try {
								Thread.sleep(10_000);
							}
							catch (InterruptedException ex) {
								interrupted.incrementAndGet();
								throw ex;
							}
						}
						return item;
					});
				assertThat(result.succeeded()).isEqualTo(50);
				assertThat(result.failures()).hasSize(50)
					.allSatisfy((outcome) -> assertThat(outcome.error()).isInstanceOf(TimeoutExceededException.class));
				assertThat(result.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(100))
					.isLessThan(Duration.ofSeconds(5));
				awaitUntil(() -> interrupted.get() == 50);
			});
	}

	private static boolean isVirtual(Thread thread) throws ReflectiveOperationException {
		return (boolean) Thread.class.getMethod("isVirtual").invoke(thread);
	}

}
