package dev.asyncutils.circuitbreaker;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

import dev.asyncutils.CircuitOpenException;
import dev.asyncutils.annotation.CircuitBreaker;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.autoconfigure.AsyncUtilsEndpoint;
import dev.asyncutils.autoconfigure.AsyncUtilsMetricsAutoConfiguration;
import dev.asyncutils.batch.BatchProcessor;
import dev.asyncutils.bounded.BoundedRegistry;
import dev.asyncutils.core.AsyncUtilsConfigurationException;
import dev.asyncutils.debounce.DebounceFeature;
import dev.asyncutils.fallback.FallbackFeature;
import dev.asyncutils.retry.RetryFeature;
import dev.asyncutils.throttle.ThrottleRegistry;
import dev.asyncutils.timeout.TimeoutFeature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@code @CircuitBreaker} settings in a Spring context: precedence of properties over the
 * annotation over the defaults, one precise startup failure per bad value, the registry,
 * the meters and the endpoint.
 */
class CircuitBreakerConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class));

	private AsyncUtilsConfigurationException startupFailure(ApplicationContextRunner runner) {
		Throwable[] failure = new Throwable[1];
		runner.run((context) -> {
			assertThat(context).hasFailed();
			failure[0] = context.getStartupFailure();
		});
		Throwable root = NestedExceptionUtils.getMostSpecificCause(failure[0]);
		assertThat(root).isInstanceOf(AsyncUtilsConfigurationException.class);
		return (AsyncUtilsConfigurationException) root;
	}

	@Test
	void builtInDefaults() {
		this.runner.withBean(Unset.class).run((context) -> {
			Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("Unset.call");
			assertThat(circuit.settings()).isEqualTo(new BreakerSettings("Unset.call", 50, null, 100, 20, 100, null,
					Duration.ofSeconds(30), 5, List.of(Exception.class), List.of()));
		});
	}

	@Test
	void instancePropertiesOverrideTheAnnotationWhichOverridesTheDefaults() {
		this.runner.withBean(Tuned.class)
			.withPropertyValues("async-utils.circuit-breaker.instances.tuned.failure-rate-threshold=70",
					"async-utils.circuit-breaker.instances.tuned.window-duration=1m",
					"async-utils.circuit-breaker.instances.tuned.ignore-on=java.lang.IllegalStateException",
					"async-utils.circuit-breaker.defaults.half-open-calls=7",
					"async-utils.circuit-breaker.defaults.minimum-calls=99",
					"async-utils.circuit-breaker.defaults.slow-call-duration=2s")
			.run((context) -> {
				Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("tuned");
				// window-duration from the instance wins over the annotation's
				// windowCalls
				assertThat(circuit.settings()).isEqualTo(new BreakerSettings("tuned", 70, Duration.ofSeconds(2), 80, 3,
						0, Duration.ofMinutes(1), Duration.ofSeconds(5), 7, List.of(IOException.class),
						List.of(IllegalStateException.class)));
			});
	}

	@Test
	void badAnnotationValuesFailAtStartupNamingBeanMethodAttributeAndValue() {
		assertThat(startupFailure(this.runner.withBean("bad", BadRate.class)).getMessage())
			.isEqualTo("Invalid async-utils configuration of bean 'bad', method BadRate.call(): "
					+ "@CircuitBreaker(failureRateThreshold) = '0': must be a percentage between 1 and 100");
		assertThat(startupFailure(this.runner.withBean("bad", BadMinimum.class)).getMessage()).contains(
				"BadMinimum.call()", "@CircuitBreaker(minimumCalls) = '11'",
				"must not exceed the window of 10 calls (from @CircuitBreaker(windowCalls))");
		assertThat(startupFailure(this.runner.withBean("bad", BothWindows.class)).getMessage()).contains(
				"@CircuitBreaker(windowDuration) = '10s'", "set either windowDuration",
				"found windowCalls = 10 in @CircuitBreaker(windowCalls)");
		assertThat(startupFailure(this.runner.withBean("bad", BadDuration.class)).getMessage())
			.contains("@CircuitBreaker(waitInOpen) = 'soon'", "not a duration");
	}

	@Test
	void badPropertiesFailAtStartupNamingTheProperty() {
		assertThat(startupFailure(this.runner.withBean("unset", Unset.class)
			.withPropertyValues("async-utils.circuit-breaker.defaults.half-open-calls=0")).getMessage())
			.contains("Unset.call()",
					"property 'async-utils.circuit-breaker.defaults.half-open-calls' = '0': must be at least 1");
		assertThat(startupFailure(
				this.runner.withPropertyValues("async-utils.circuit-breaker.instances.only-here.wait-in-open=-1s"))
			.getMessage())
			.contains("property 'async-utils.circuit-breaker.instances.only-here.wait-in-open' = '-1000ms'",
					"must be positive");
		assertThat(startupFailure(
				this.runner.withPropertyValues("async-utils.circuit-breaker.instances.only-here.window-calls=1000001"))
			.getMessage()).contains("window-calls' = '1000001'", "between 1 and 1000000");
	}

	@Test
	void methodsSharingANameMustAgree() {
		assertThat(startupFailure(this.runner.withBean(Tuned.class).withBean(TunedClash.class)).getMessage()).contains(
				"@CircuitBreaker(name = \"tuned\")", "conflicts with", "async-utils.circuit-breaker.instances.tuned");
	}

	@Test
	void registryGivesPropertyOnlyInstancesAndNamesUnknownOnes() {
		this.runner.withPropertyValues("async-utils.circuit-breaker.instances.only-here.half-open-calls=2")
			.run((context) -> {
				CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
				assertThat(registry.get("only-here").settings().halfOpenCalls()).isEqualTo(2);
				assertThatIllegalArgumentException().isThrownBy(() -> registry.get("nowhere"))
					.withMessageContaining("No circuit breaker 'nowhere'")
					.withMessageContaining("async-utils.circuit-breaker.instances.nowhere");
				Circuit programmatic = registry.obtain("programmatic",
						new BreakerAttributes(10, null, null, 1, 1, null, null, null, null, null), "a test");
				assertThat(programmatic.settings().failureRateThreshold()).isEqualTo(10);
				assertThat(registry.get("programmatic")).isSameAs(programmatic);
			});
	}

	@Test
	void metersAndEndpointShowStateRatesAndWindow() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(AsyncUtilsAutoConfiguration.class, AsyncUtilsMetricsAutoConfiguration.class))
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.withBean(Tuned.class)
			.run((context) -> {
				Tuned tuned = context.getBean(Tuned.class);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				AsyncUtilsEndpoint endpoint = new AsyncUtilsEndpoint(context.getBeanProvider(ThrottleRegistry.class),
						context.getBeanProvider(BoundedRegistry.class), context.getBeanProvider(RetryFeature.class),
						context.getBeanProvider(TimeoutFeature.class), context.getBeanProvider(FallbackFeature.class),
						context.getBeanProvider(BatchProcessor.class), context.getBeanProvider(DebounceFeature.class),
						context.getBeanProvider(CircuitBreakerRegistry.class));
				tuned.call(false);
				assertThatExceptionOfType(IOException.class).isThrownBy(() -> tuned.call(true));
				assertThat(state(endpoint)).containsEntry("state", "closed")
					.containsEntry("failureRate", null)
					.containsEntry("timeLeftOpen", "0s");
				assertThat(state(endpoint).get("window"))
					.isEqualTo(Map.of("type", "count", "size", 10, "calls", 2L, "failures", 1L, "slow", 0L));
				assertThatExceptionOfType(IOException.class).isThrownBy(() -> tuned.call(true));
				assertThat(meters.get("asyncutils.circuitbreaker.state").tag("name", "tuned").gauge().value())
					.isEqualTo(1);
				assertThatExceptionOfType(CircuitOpenException.class).isThrownBy(() -> tuned.call(false));
				assertThat(state(endpoint)).containsEntry("state", "open");
				assertThat((String) state(endpoint).get("timeLeftOpen")).matches("5s|4[0-9]{3}ms");
				assertThat(count(meters, "success")).isEqualTo(1);
				assertThat(count(meters, "failure")).isEqualTo(2);
				assertThat(count(meters, "not_permitted")).isEqualTo(1);
				assertThat(count(meters, "slow")).isZero();
				assertThat(count(meters, "ignored")).isZero();
			});
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> state(AsyncUtilsEndpoint endpoint) {
		Map<String, Object> all = endpoint.instances();
		assertThat(((Map<String, Object>) all.get("circuitBreakers"))).containsOnlyKeys("tuned");
		Map<String, Object> one = endpoint.instance("tuned");
		assertThat(one).containsKey("circuitBreaker");
		return (Map<String, Object>) one.get("circuitBreaker");
	}

	private static double count(MeterRegistry meters, String result) {
		return meters.get("asyncutils.circuitbreaker.calls")
			.tag("name", "tuned")
			.tag("result", result)
			.functionCounter()
			.count();
	}

	static class Unset {

		@CircuitBreaker
		public void call() {
		}

	}

	static class Tuned {

		@CircuitBreaker(name = "tuned", slowCallRateThreshold = 80, minimumCalls = 3, windowCalls = 10,
				waitInOpen = "5s", recordOn = IOException.class)
		public void call(boolean fail) throws IOException {
			if (fail) {
				throw new IOException("down");
			}
		}

	}

	static class TunedClash {

		@CircuitBreaker(name = "tuned", minimumCalls = 4)
		public void call() {
		}

	}

	static class BadRate {

		@CircuitBreaker(failureRateThreshold = 0)
		public void call() {
		}

	}

	static class BadMinimum {

		@CircuitBreaker(minimumCalls = 11, windowCalls = 10)
		public void call() {
		}

	}

	static class BothWindows {

		@CircuitBreaker(windowCalls = 10, windowDuration = "10s")
		public void call() {
		}

	}

	static class BadDuration {

		@CircuitBreaker(waitInOpen = "soon")
		public void call() {
		}

	}

}
