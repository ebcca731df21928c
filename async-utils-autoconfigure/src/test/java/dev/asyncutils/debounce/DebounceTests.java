package dev.asyncutils.debounce;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.annotation.Debounce;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.autoconfigure.AsyncUtilsEndpoint;
import dev.asyncutils.autoconfigure.AsyncUtilsEndpointAutoConfiguration;
import dev.asyncutils.autoconfigure.AsyncUtilsMetricsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@code @Debounce}: coalescing per instance and per key, the last call's arguments,
 * {@code maxWait}, runs that never overlap, outcomes for stage and mono callers, meters,
 * the actuator entry, properties, and pending runs run when the context closes.
 */
class DebounceTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(TaskExecutionAutoConfiguration.class, AsyncUtilsAutoConfiguration.class,
						AsyncUtilsMetricsAutoConfiguration.class, AsyncUtilsEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=asyncutils")
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withUserConfiguration(Config.class);

	@Test
	void aBurstOfCallsRunsOnceWithTheLastArgumentsOnTheApplicationTaskExecutor() {
		this.runner.run((context) -> {
			Indexer indexer = context.getBean(Indexer.class);
			long start = System.nanoTime();
			for (int i = 1; i <= 10; i++) {
				indexer.reindex("change " + i);
			}
			// void callers return at once: well before the quiet period (1s) ends
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(800));
			assertThat(indexer.runs()).isEmpty();
			await(() -> indexer.runs().size() == 1);
			Thread.sleep(300);
			assertThat(indexer.runs()).containsExactly("change 10");
			assertThat(indexer.threads()).allMatch((name) -> name.startsWith("task-"));
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("asyncutils.debounce.calls").tag("name", "reindex").functionCounter().count())
				.isEqualTo(10);
			assertThat(meters.get("asyncutils.debounce.runs").tag("name", "reindex").functionCounter().count())
				.isEqualTo(1);
		});
	}

	@Test
	void callsWithDifferentKeysAreDebouncedApart() {
		this.runner.run((context) -> {
			Indexer indexer = context.getBean(Indexer.class);
			indexer.reindexDocument("a", 1);
			indexer.reindexDocument("b", 1);
			indexer.reindexDocument("a", 2);
			indexer.reindexDocument("b", 2);
			indexer.reindexDocument("a", 3);
			await(() -> indexer.runs().size() == 2);
			Thread.sleep(300);
			assertThat(indexer.runs()).containsExactlyInAnyOrder("a@3", "b@2");
		});
	}

	@Test
	void everyCoalescedStageCallerGetsTheOneRunsOutcomeAndTheSameFailure() {
		this.runner.run((context) -> {
			Indexer indexer = context.getBean(Indexer.class);
			List<CompletableFuture<String>> callers = new ArrayList<>();
			for (int i = 1; i <= 5; i++) {
				callers.add(indexer.count("query " + i).toCompletableFuture());
			}
			for (CompletableFuture<String> caller : callers) {
				assertThat(caller.get(5, TimeUnit.SECONDS)).isEqualTo("counted query 5");
			}
			assertThat(indexer.runs()).containsExactly("query 5");
			List<CompletableFuture<String>> failing = List.of(indexer.count("fail").toCompletableFuture(),
					indexer.count("fail").toCompletableFuture());
			Throwable first = catchThrowable(() -> failing.get(0).join()).getCause();
			Throwable second = catchThrowable(() -> failing.get(1).join()).getCause();
			assertThat(first).isInstanceOf(IllegalStateException.class).hasMessage("cannot count fail");
			assertThat(second).isSameAs(first);
		});
	}

	@Test
	void everyMonoSubscriberGetsTheOneRunsOutcome() {
		this.runner.run((context) -> {
			Indexer indexer = context.getBean(Indexer.class);
			Mono<String> first = indexer.look("x");
			Mono<String> second = indexer.look("y");
			// nothing happens before subscription
			Thread.sleep(250);
			assertThat(indexer.runs()).isEmpty();
			CompletableFuture<String> a = first.toFuture();
			CompletableFuture<String> b = second.toFuture();
			assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo("looked y");
			assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo("looked y");
			assertThat(indexer.runs()).containsExactly("y");
		});
	}

	@Test
	void maxWaitBoundsThePostponementUnderAContinuousStream() {
		this.runner.run((context) -> {
			Indexer indexer = context.getBean(Indexer.class);
			long end = System.nanoTime() + Duration.ofMillis(1_200).toNanos();
			int i = 0;
			while (System.nanoTime() < end) {
				indexer.bounded(++i);
				Thread.sleep(20);
			}
			int last = i;
			// quiet period 200ms never passes during the stream; max-wait 400ms does, so
			// runs happened during it besides the one after it
			await(() -> indexer.runs().contains("bounded " + last));
			assertThat(indexer.runs().size()).isGreaterThanOrEqualTo(2);
		});
	}

	@Test
	void runsForOneKeyNeverOverlapAndACallDuringARunStartsANewQuietPeriod() {
		this.runner.run((context) -> {
			Indexer indexer = context.getBean(Indexer.class);
			indexer.slow(1);
			await(() -> indexer.runs().size() == 1);
			indexer.slow(2);
			await(() -> indexer.runs().size() == 2);
			await(() -> indexer.ends().size() == 2);
			// the second run started only after the first ended
			assertThat(indexer.starts().get(1)).isGreaterThanOrEqualTo(indexer.ends().get(0));
			assertThat(indexer.runs()).containsExactly("slow 1", "slow 2");
		});
	}

	@Test
	void pendingRunsAreRunWhenTheContextCloses() {
		this.runner.run((context) -> {
			Indexer indexer = context.getBean(Indexer.class);
			indexer.later("before close");
			CompletableFuture<String> outcome = indexer.laterAsync("stage").toCompletableFuture();
			assertThat(indexer.runs()).isEmpty();
			((ConfigurableApplicationContext) context.getSourceApplicationContext()).close();
			assertThat(indexer.runs()).contains("before close", "stage");
			assertThat(outcome).isCompletedWithValue("ran stage");
		});
	}

	@SuppressWarnings("unchecked")
	@Test
	void theActuatorShowsPendingKeysAndSettings() {
		this.runner.run((context) -> {
			Indexer indexer = context.getBean(Indexer.class);
			indexer.later("one");
			Map<String, Object> described = (Map<String, Object>) context.getBean(AsyncUtilsEndpoint.class)
				.instance("later")
				.get("debounce");
			assertThat(described).containsEntry("pendingKeys", 1L).containsEntry("calls", 1L);
			assertThat(described.get("methods").toString()).contains("delay=10s");
		});
	}

	@Test
	void propertiesOverrideTheAnnotationAndDefaultsFillIt() {
		this.runner
			.withPropertyValues("async-utils.debounce.instances.reindex.delay=30s",
					"async-utils.debounce.defaults.max-wait=1m")
			.run((context) -> {
				DebounceFeature feature = context.getBean(DebounceFeature.class);
				DebounceSettings settings = feature.instances().find("reindex").methods().values().iterator().next();
				assertThat(settings.delay()).isEqualTo(Duration.ofSeconds(30));
				assertThat(settings.maxWait()).isEqualTo(Duration.ofMinutes(1));
			});
	}

	static void await(BooleanSupplier condition) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as("condition within 10s").isLessThan(deadline);
			Thread.sleep(10);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Indexer indexer() {
			return new Indexer();
		}

	}

	static class Indexer {

		final List<String> runs = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		final List<Long> starts = new CopyOnWriteArrayList<>();

		final List<Long> ends = new CopyOnWriteArrayList<>();

		// read through the proxy: its own fields are not the target's

		public List<String> runs() {
			return this.runs;
		}

		public List<String> threads() {
			return this.threads;
		}

		public List<Long> starts() {
			return this.starts;
		}

		public List<Long> ends() {
			return this.ends;
		}

		@Debounce(value = "1s", name = "reindex")
		public void reindex(String reason) {
			this.threads.add(Thread.currentThread().getName());
			this.runs.add(reason);
		}

		@Debounce(value = "200ms", key = "#document")
		public void reindexDocument(String document, int version) {
			this.runs.add(document + "@" + version);
		}

		@Debounce("150ms")
		public java.util.concurrent.CompletionStage<String> count(String query) {
			this.runs.add(query);
			if (query.equals("fail")) {
				return CompletableFuture.failedFuture(new IllegalStateException("cannot count " + query));
			}
			return CompletableFuture.completedFuture("counted " + query);
		}

		@Debounce("150ms")
		public Mono<String> look(String what) {
			return Mono.fromCallable(() -> {
				this.runs.add(what);
				return "looked " + what;
			});
		}

		@Debounce(value = "200ms", maxWait = "400ms")
		public void bounded(int i) {
			this.runs.add("bounded " + i);
		}

		@Debounce("50ms")
		public void slow(int i) throws InterruptedException {
			this.starts.add(System.nanoTime());
			this.runs.add("slow " + i);
			Thread.sleep(400);
			this.ends.add(System.nanoTime());
		}

		@Debounce(value = "10s", name = "later")
		public void later(String what) {
			this.runs.add(what);
		}

		@Debounce("10s")
		public CompletableFuture<String> laterAsync(String what) {
			this.runs.add(what);
			return CompletableFuture.completedFuture("ran " + what);
		}

	}

}
