package dev.asyncutils.observe;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.annotation.Retry;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * With Micrometer Tracing's test tracer behind the observation registry, a guarded call
 * is one span named after its instance, tagged with its keys, with its retries as span
 * events, and current in the method, so spans the method starts are its children.
 */
class TracingTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(TaskExecutionAutoConfiguration.class, AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void aGuardedCallIsASpanWithItsRetriesAsEvents() {
		this.runner.run((context) -> {
			SimpleTracer tracer = context.getBean(SimpleTracer.class);
			Traced traced = context.getBean(Traced.class);
			assertThat(traced.flakyOnce()).isEqualTo("ok");
			SimpleSpan span = tracer.onlySpan();
			assertThat(span.getName()).isEqualTo("inventory");
			assertThat(span.getTags())
				.containsAllEntriesOf(Map.of("name", "inventory", "kinds", "retry", "outcome", "success"));
			assertThat(span.getEvents()).extracting(Map.Entry::getValue)
				.containsExactly("attempt 1 failed (IllegalStateException), retrying in 1ms");
			assertThat(span.getEndTimestamp()).isNotNull();
			assertThat(traced.spans()).extracting(Span::context)
				.extracting((trace) -> trace.spanId())
				.containsExactly(span.getSpanId(), span.getSpanId());
		});
	}

	@Test
	void aFailedCallIsASpanWithItsError() {
		this.runner.run((context) -> {
			SimpleTracer tracer = context.getBean(SimpleTracer.class);
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> context.getBean(Traced.class).broken());
			SimpleSpan span = tracer.onlySpan();
			assertThat(span.getName()).isEqualTo("Traced.broken");
			assertThat(span.getTags()).containsEntry("outcome", "failure");
			assertThat(span.getError()).isInstanceOf(IllegalStateException.class).hasMessage("broken");
			assertThat(span.getEvents()).extracting(Map.Entry::getValue)
				.containsExactly("attempt 1 failed (IllegalStateException), retrying in 1ms");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		SimpleTracer tracer() {
			return new SimpleTracer();
		}

		@Bean
		ObservationRegistry observationRegistry(SimpleTracer tracer) {
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig().observationHandler(new DefaultTracingObservationHandler(tracer));
			return registry;
		}

		@Bean
		Traced traced(SimpleTracer tracer) {
			return new Traced(tracer);
		}

	}

	static class Traced {

		private final SimpleTracer tracer;

		private final List<Span> spans = new CopyOnWriteArrayList<>();

		private final AtomicInteger attempts = new AtomicInteger();

		Traced(SimpleTracer tracer) {
			this.tracer = tracer;
		}

		List<Span> spans() {
			return this.spans;
		}

		@Retry(name = "inventory", delay = "1ms")
		public String flakyOnce() {
			this.spans.add(this.tracer.currentSpan());
			if (this.attempts.incrementAndGet() == 1) {
				throw new IllegalStateException("once");
			}
			return "ok";
		}

		@Retry(delay = "1ms", maxAttempts = 2)
		public String broken() {
			throw new IllegalStateException("broken");
		}

	}

}
