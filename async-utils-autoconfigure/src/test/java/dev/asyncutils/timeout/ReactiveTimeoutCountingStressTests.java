package dev.asyncutils.timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11, defect 3: when a {@code Mono}'s or {@code Flux}'s completion races its
 * deadline, each subscription is counted exactly once, as completed or as timed out, and
 * the count matches what the subscriber saw. Thousands of calls whose source ends right
 * at the deadline. The flux case is repeated: one call in a few hundred hung when the
 * deadline fired while the subscription was still being set up.
 */
class ReactiveTimeoutCountingStressTests {

	private static final int CALLS = 2_000;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void monoCountsEachCallOnceAsWhatTheSubscriberSaw() {
		this.runner.run((context) -> {
			Racing racing = context.getBean(Racing.class);
			List<CompletableFuture<String>> calls = new ArrayList<>();
			for (int i = 0; i < CALLS; i++) {
				calls.add(racing.mono().toFuture());
			}
			assertCountsMatch(context.getBean(TimeoutFeature.class), "racing-mono", calls);
		});
	}

	@RepeatedTest(5)
	void fluxCountsEachCallOnceAsWhatTheSubscriberSaw() {
		this.runner.run((context) -> {
			Racing racing = context.getBean(Racing.class);
			List<CompletableFuture<String>> calls = new ArrayList<>();
			for (int i = 0; i < CALLS; i++) {
				calls.add(racing.flux().collectList().map((items) -> String.join(",", items)).toFuture());
			}
			assertCountsMatch(context.getBean(TimeoutFeature.class), "racing-flux", calls);
		});
	}

	private static void assertCountsMatch(TimeoutFeature feature, String name, List<CompletableFuture<String>> calls)
			throws Exception {
		AtomicInteger completed = new AtomicInteger();
		AtomicInteger timedOut = new AtomicInteger();
		for (CompletableFuture<String> call : calls) {
			try {
				call.get(30, TimeUnit.SECONDS);
				completed.incrementAndGet();
			}
			catch (java.util.concurrent.ExecutionException ex) {
				assertThat(ex.getCause()).isInstanceOf(TimeoutExceededException.class);
				timedOut.incrementAndGet();
			}
		}
		TimeoutStats stats = feature.instances().find(name);
		assertThat(completed.get() + timedOut.get()).isEqualTo(CALLS);
		assertThat(stats.completedCount() + stats.timedOutCount()).as("one count per call").isEqualTo(CALLS);
		assertThat(stats.completedCount()).as("completed").isEqualTo(completed.get());
		assertThat(stats.timedOutCount()).as("timed out").isEqualTo(timedOut.get());
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Racing racing() {
			return new Racing();
		}

	}

	static class Racing {

		@Timeout(value = "5ms", name = "racing-mono")
		public Mono<String> mono() {
			return Mono.delay(Duration.ofMillis(5), Schedulers.parallel()).thenReturn("done");
		}

		@Timeout(value = "5ms", name = "racing-flux")
		public Flux<String> flux() {
			return Flux.just("a", "b")
				.concatWith(Mono.delay(Duration.ofMillis(5), Schedulers.parallel()).thenReturn("c"));
		}

	}

}
