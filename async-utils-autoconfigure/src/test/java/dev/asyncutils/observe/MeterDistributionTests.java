package dev.asyncutils.observe;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.pause.PauseDetector;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.autoconfigure.AsyncUtilsMetricsAutoConfiguration;
import dev.asyncutils.batch.BatchProcessor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The wait and duration meters are real timers, so Spring Boot's
 * {@code management.metrics.distribution.*} properties shape them; every meter name has
 * one description; failed outcomes carry their exception.
 */
class MeterDistributionTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
						SimpleMetricsExportAutoConfiguration.class, TaskExecutionAutoConfiguration.class,
						AsyncUtilsAutoConfiguration.class, AsyncUtilsMetricsAutoConfiguration.class))
		.withUserConfiguration(Guarded.Config.class);

	@Test
	void distributionPropertiesApplyToTheWaitAndDurationTimers() {
		this.runner.withBean(RecordingRegistry.class, RecordingRegistry::new)
			.withPropertyValues("management.metrics.distribution.percentiles-histogram.asyncutils.throttle.wait=true",
					"management.metrics.distribution.percentiles.asyncutils.bounded.wait=0.5,0.99",
					"management.metrics.distribution.slo.asyncutils.batch.duration=10s,20s")
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				Guarded guarded = context.getBean(Guarded.class);
				// burst 1, 20 per second: the second call waits about 50 ms
				guarded.paced();
				guarded.paced();
				Timer throttleWait = meters.get("asyncutils.throttle.wait").tag("name", "paced").timer();
				assertThat(throttleWait.count()).isEqualTo(1);
				assertThat(throttleWait.totalTime(TimeUnit.MILLISECONDS)).isBetween(1.0, 60.0);
				assertThat(throttleWait.max(TimeUnit.MILLISECONDS)).isBetween(1.0, 60.0);
				// the simple registry keeps no percentile histogram (Prometheus's does):
				// what matters is that the property reached the timer
				RecordingRegistry registry = context.getBean(RecordingRegistry.class);
				assertThat(registry.configs.get("asyncutils.throttle.wait").isPercentileHistogram()).isTrue();
				assertThat(registry.configs.get("asyncutils.bounded.wait").isPercentileHistogram()).isFalse();

				CompletableFuture<String> first = guarded.oneAtATime();
				CompletableFuture<String> second = guarded.oneAtATime();
				Thread.sleep(20);
				guarded.release();
				assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("done");
				assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo("done");
				Timer boundedWait = meters.get("asyncutils.bounded.wait").tag("name", "single").timer();
				assertThat(boundedWait.count()).isEqualTo(1);
				assertThat(boundedWait.takeSnapshot().percentileValues()).hasSize(2);
				assertThat(meters.get("asyncutils.throttle.wait")
					.tag("name", "paced")
					.timer()
					.takeSnapshot()
					.percentileValues()).isEmpty();

				context.getBean(BatchProcessor.class).process(List.of(1, 2, 3), (item) -> item);
				Timer batch = meters.get("asyncutils.batch.duration").tag("name", "batchProcessor").timer();
				assertThat(batch.count()).isEqualTo(1);
				assertThat(batch.takeSnapshot().histogramCounts())
					.extracting((bucket) -> bucket.bucket(TimeUnit.SECONDS))
					.containsExactly(10.0, 20.0);
			});
	}

	@Test
	void everyMeterNameHasOneDescriptionAndFailuresCarryTheirException() {
		this.runner.run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			Guarded guarded = context.getBean(Guarded.class);
			guarded.flaky();
			guarded.flaky();
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(guarded::broken);
			assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(guarded::aborts);
			guarded.paced();
			guarded.strict();
			assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(guarded::strict);
			assertThat(guarded.recovers()).isEqualTo("fallback");
			guarded.quick();
			context.getBean(BatchProcessor.class).process(List.of(1, 2), (item) -> {
				if (item == 2) {
					throw new IllegalStateException("two");
				}
				return item;
			});

			Map<String, Set<String>> descriptions = new TreeMap<>();
			for (Meter meter : meters.getMeters()) {
				if (meter.getId().getName().startsWith("asyncutils.")) {
					descriptions.computeIfAbsent(meter.getId().getName(), (name) -> new TreeSet<>())
						.add(String.valueOf(meter.getId().getDescription()));
				}
			}
			assertThat(descriptions).containsKeys("asyncutils.retry.calls", "asyncutils.throttle.calls",
					"asyncutils.timeout.calls", "asyncutils.batch.items", "asyncutils.fallback.calls");
			descriptions.forEach((name, texts) -> assertThat(texts).as(name).hasSize(1));
			assertThat(descriptions.get("asyncutils.throttle.calls").iterator().next()).contains("permitted")
				.contains("rejected");

			assertThat(meters.get("asyncutils.retry.calls")
				.tags("name", "Guarded.flaky", "result", "success", "exception", "none")
				.functionCounter()
				.count()).isEqualTo(2);
			assertThat(meters.get("asyncutils.retry.calls")
				.tags("name", "Guarded.broken", "result", "failure_after_retry", "exception", "IllegalStateException")
				.counter()
				.count()).isEqualTo(1);
			assertThat(meters.get("asyncutils.retry.calls")
				.tags("name", "Guarded.aborts", "result", "aborted", "exception", "UnsupportedOperationException")
				.counter()
				.count()).isEqualTo(1);
			assertThat(meters.find("asyncutils.retry.calls").tag("name", "Guarded.broken").meters()).allSatisfy(
					(meter) -> assertThat(meter.getId().getTag("exception")).isIn("none", "IllegalStateException"));
			assertThat(meters.get("asyncutils.fallback.calls")
				.tags("name", "Guarded.recovers", "exception", "IllegalArgumentException")
				.counter()
				.count()).isEqualTo(1);
		});
	}

	static class RecordingRegistry extends SimpleMeterRegistry {

		final Map<String, DistributionStatisticConfig> configs = new ConcurrentHashMap<>();

		@Override
		protected Timer newTimer(Meter.Id id, DistributionStatisticConfig config, PauseDetector pauseDetector) {
			this.configs.put(id.getName(), config);
			return super.newTimer(id, config, pauseDetector);
		}

	}

	static class Guarded {

		private final CompletableFuture<String> gate = new CompletableFuture<>();

		@Throttle(name = "paced", rate = 20, burst = 1)
		public void paced() {
		}

		@Throttle(name = "strict", rate = 1, per = "1h", maxWait = "0")
		public void strict() {
		}

		@Bounded(name = "single", value = 1)
		public CompletableFuture<String> oneAtATime() {
			return this.gate.thenApply((value) -> value);
		}

		void release() {
			this.gate.complete("done");
		}

		@Retry(delay = "1ms")
		public String flaky() {
			return "ok";
		}

		@Retry(delay = "1ms", maxAttempts = 2)
		public String broken() {
			throw new IllegalStateException("broken");
		}

		@Retry(delay = "1ms", abortOn = UnsupportedOperationException.class)
		public String aborts() {
			throw new UnsupportedOperationException("no");
		}

		@Fallback("fallback")
		public String recovers() {
			throw new IllegalArgumentException("bad");
		}

		String fallback() {
			return "fallback";
		}

		@Timeout("5s")
		public String quick() {
			return "quick";
		}

		@Configuration(proxyBeanMethods = false)
		static class Config {

			@Bean
			Guarded guarded() {
				return new Guarded();
			}

		}

	}

}
