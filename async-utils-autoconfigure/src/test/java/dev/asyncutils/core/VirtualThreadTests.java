package dev.asyncutils.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plain-method policies called from virtual threads (Java 21+): the deadline interrupts a
 * virtual thread, the flag is cleared afterwards, and retries sleep on it.
 * {@code .ci/run} runs this class on a JDK 25 as well as the default JDK 17 (where it is
 * skipped).
 */
@EnabledForJreRange(min = JRE.JAVA_21)
class VirtualThreadTests {

	private static final int CALLERS = 1_000;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void deadlinesAndRetriesWorkOnVirtualThreads() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			ExecutorService executor = newVirtualThreadPerTaskExecutor();
			try {
				List<Future<String>> results = new ArrayList<>();
				for (int i = 0; i < CALLERS; i++) {
					boolean hang = (i % 2 == 0);
					results.add(executor.submit(() -> {
						assertThat(Thread.currentThread().toString()).contains("VirtualThread");
						String outcome;
						try {
							outcome = hang ? service.hang() : service.flaky();
						}
						catch (TimeoutExceededException ex) {
							outcome = "timed out";
						}
						return outcome + (Thread.currentThread().isInterrupted() ? " (interrupt leaked)" : "");
					}));
				}
				int timedOut = 0;
				int succeeded = 0;
				for (Future<String> result : results) {
					String outcome = result.get(60, TimeUnit.SECONDS);
					if (outcome.equals("timed out")) {
						timedOut++;
					}
					else if (outcome.equals("ok on attempt 2")) {
						succeeded++;
					}
				}
				assertThat(timedOut).isEqualTo(CALLERS / 2);
				assertThat(succeeded).isEqualTo(CALLERS / 2);
				assertThat(service.hangAttempts()).isEqualTo(CALLERS / 2 * 2);
			}
			finally {
				executor.shutdownNow();
			}
		});
	}

	private static ExecutorService newVirtualThreadPerTaskExecutor() throws ReflectiveOperationException {
		return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Service service() {
			return new Service();
		}

	}

	static class Service {

		private final AtomicInteger hangAttempts = new AtomicInteger();

		private final ThreadLocal<Integer> flakyAttempts = ThreadLocal.withInitial(() -> 0);

		@Retry(maxAttempts = 2, delay = "1ms")
		@Timeout("50ms")
		public String hang() throws InterruptedException {
			this.hangAttempts.incrementAndGet();
			Thread.sleep(60_000);
			return "never";
		}

		@Retry(maxAttempts = 2, delay = "5ms")
		@Timeout("10s")
		public String flaky() {
			int attempt = this.flakyAttempts.get() + 1;
			this.flakyAttempts.set(attempt);
			if (attempt == 1) {
				throw new IllegalStateException("first attempt fails");
			}
			return "ok on attempt " + attempt;
		}

		int hangAttempts() {
			return this.hangAttempts.get();
		}

	}

}
