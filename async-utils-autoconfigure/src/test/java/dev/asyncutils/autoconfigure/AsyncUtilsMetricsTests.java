package dev.asyncutils.autoconfigure;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.batch.BatchProcessor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every instance publishes the meters of the contract, with exact counts, when a
 * MeterRegistry exists; none when metrics are switched off; and the starter works without
 * a registry.
 */
class AsyncUtilsMetricsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class,
				AsyncUtilsAutoConfiguration.class, AsyncUtilsMetricsAutoConfiguration.class))
		.withUserConfiguration(Guarded.Config.class);

	@Test
	void everyKindPublishesExactCounts() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run((context) -> {
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			Guarded guarded = context.getBean(Guarded.class);

			assertThat(guarded.flakyTwice()).isEqualTo("ok");
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(guarded::alwaysFails);
			assertThat(count(meters, "asyncutils.retry.calls", "flaky", "success_after_retry")).isEqualTo(1);
			assertThat(count(meters, "asyncutils.retry.calls", "flaky", "success")).isZero();
			assertThat(meters.get("asyncutils.retry.calls")
				.tags("name", "broken", "result", "failure_after_retry")
				.counter()
				.count()).isEqualTo(1);
			assertThat(meters.get("asyncutils.retry.retries").tag("name", "flaky").functionCounter().count())
				.isEqualTo(2);
			assertThat(meters.get("asyncutils.retry.retries").tag("name", "broken").functionCounter().count())
				.isEqualTo(2);

			guarded.throttled();
			guarded.throttled();
			assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(guarded::throttled);
			assertThat(count(meters, "asyncutils.throttle.calls", "meter", "permitted")).isEqualTo(2);
			assertThat(count(meters, "asyncutils.throttle.calls", "meter", "rejected")).isEqualTo(1);
			assertThat(meters.get("asyncutils.throttle.available").tag("name", "meter").gauge().value()).isZero();
			// the bucket started full: nobody had to wait
			assertThat(meters.get("asyncutils.throttle.wait").tag("name", "meter").timer().count()).isZero();

			assertThat(guarded.quick()).isEqualTo("quick");
			assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(guarded::slow);
			assertThat(count(meters, "asyncutils.timeout.calls", "deadline", "completed")).isEqualTo(1);
			assertThat(count(meters, "asyncutils.timeout.calls", "deadline", "timed_out")).isEqualTo(1);
			assertThat(guarded.quickAsync().join()).isEqualTo("quick");
			assertThat(guarded.neverAsync()).failsWithin(java.time.Duration.ofSeconds(5))
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(TimeoutExceededException.class);
			assertThat(guarded.neverMono().onErrorResume((ex) -> reactor.core.publisher.Mono.just("timed out")).block())
				.isEqualTo("timed out");
			assertThat(count(meters, "asyncutils.timeout.calls", "async-deadline", "completed")).isEqualTo(1);
			assertThat(count(meters, "asyncutils.timeout.calls", "async-deadline", "timed_out")).isEqualTo(2);

			CompletableFuture<String> held = guarded.holdSlot();
			assertThat(meters.get("asyncutils.bounded.active").tag("name", "slot").gauge().value()).isEqualTo(1);
			assertThat(meters.get("asyncutils.bounded.limit").tag("name", "slot").gauge().value()).isEqualTo(1);
			assertThat(guarded.holdSlot()).failsWithin(java.time.Duration.ofSeconds(5))
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(BoundedRejectedException.class);
			guarded.release();
			assertThat(held.join()).isEqualTo("released");
			assertThat(count(meters, "asyncutils.bounded.calls", "slot", "permitted")).isEqualTo(1);
			assertThat(count(meters, "asyncutils.bounded.calls", "slot", "rejected")).isEqualTo(1);
			assertThat(meters.get("asyncutils.bounded.active").tag("name", "slot").gauge().value()).isZero();
			assertThat(meters.get("asyncutils.bounded.waiting").tag("name", "slot").gauge().value()).isZero();

			assertThat(guarded.withFallback()).isEqualTo("fallback");
			assertThat(meters.get("asyncutils.fallback.calls").tag("name", "Guarded.withFallback").counter().count())
				.isEqualTo(1);

			context.getBean(BatchProcessor.class).process(List.of(1, 2, 3, 4, 5), (item) -> {
				if (item == 3) {
					throw new IllegalArgumentException("three");
				}
				return item;
			});
			assertThat(count(meters, "asyncutils.batch.items", "batchProcessor", "success")).isEqualTo(4);
			assertThat(count(meters, "asyncutils.batch.items", "batchProcessor", "failure")).isEqualTo(1);
			assertThat(meters.get("asyncutils.batch.duration").tag("name", "batchProcessor").timer().count())
				.isEqualTo(1);
		});
	}

	@Test
	void metricsCanBeSwitchedOff() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("async-utils.metrics.enabled=false")
			.run((context) -> {
				context.getBean(Guarded.class).flakyTwice();
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.find("asyncutils.retry.calls").meters()).isEmpty();
				assertThat(meters.getMeters()).noneMatch((meter) -> meter.getId().getName().startsWith("asyncutils"));
			});
	}

	@Test
	void worksWithoutAMeterRegistry() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(MeterRegistry.class);
			assertThat(context.getBean(Guarded.class).flakyTwice()).isEqualTo("ok");
		});
	}

	@Test
	void instancesCreatedAfterStartupAreBoundToo() {
		this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withPropertyValues("async-utils.throttle.instances.late.rate=5")
			.run((context) -> {
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.find("asyncutils.throttle.calls").tag("name", "late").meters()).hasSize(2);
			});
	}

	private static double count(MeterRegistry meters, String name, String instance, String result) {
		return meters.get(name).tag("name", instance).tag("result", result).functionCounter().count();
	}

	static class Guarded {

		private final AtomicInteger flaky = new AtomicInteger();

		private final CompletableFuture<String> gate = new CompletableFuture<>();

		@Retry(name = "flaky", delay = "1ms")
		public String flakyTwice() {
			if (this.flaky.incrementAndGet() <= 2) {
				throw new IllegalStateException("not yet");
			}
			return "ok";
		}

		@Retry(name = "broken", delay = "1ms")
		public String alwaysFails() {
			throw new IllegalStateException("broken");
		}

		@Throttle(name = "meter", rate = 2, per = "1h", maxWait = "0")
		public void throttled() {
		}

		@Timeout(name = "deadline", value = "500ms")
		public String quick() {
			return "quick";
		}

		@Timeout(name = "deadline", value = "500ms")
		public String slow() throws InterruptedException {
			Thread.sleep(5_000);
			return "slow";
		}

		@Timeout(name = "async-deadline", value = "500ms")
		public CompletableFuture<String> quickAsync() {
			return CompletableFuture.completedFuture("quick");
		}

		@Timeout(name = "async-deadline", value = "500ms")
		public CompletableFuture<String> neverAsync() {
			return new CompletableFuture<>();
		}

		@Timeout(name = "async-deadline", value = "500ms")
		public reactor.core.publisher.Mono<String> neverMono() {
			return reactor.core.publisher.Mono.never();
		}

		@Bounded(name = "slot", value = 1, maxWait = "0")
		public CompletableFuture<String> holdSlot() {
			return this.gate.thenApply((value) -> value);
		}

		void release() {
			this.gate.complete("released");
		}

		@Fallback("recover")
		public String withFallback() {
			throw new IllegalStateException("down");
		}

		String recover() {
			return "fallback";
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
