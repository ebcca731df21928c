package dev.asyncutils.timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Where the deadline of {@code @Timeout} comes from:
 * {@code async-utils.timeout.instances.<name>.duration} &gt; the annotation &gt;
 * {@code async-utils.timeout.defaults.duration} &gt; the built-in 1s.
 */
class TimeoutPropertiesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void instancePropertyOverridesTheAnnotation() {
		this.runner.withPropertyValues("async-utils.timeout.instances.quotes.duration=100ms").run((context) -> {
			Deadlines deadlines = context.getBean(Deadlines.class);
			long start = System.nanoTime();
			TimedOut exceeded = awaitTimeout(deadlines.quotes(), start);
			assertThat(exceeded.exception().name()).isEqualTo("quotes");
			assertThat(exceeded.exception().timeout()).isEqualTo(Duration.ofMillis(100));
			assertThat(exceeded.exception()).hasMessage("'quotes' did not complete within 100ms");
			assertThat(exceeded.elapsedNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos())
				// far earlier than the annotation's 5s
				.isLessThan(Duration.ofSeconds(4).toNanos());
		});
	}

	@Test
	void instancePropertyOverridesTheAnnotationOfAPlainMethod() {
		this.runner.withPropertyValues("async-utils.timeout.instances.plain-quotes.duration=100ms").run((context) -> {
			Deadlines deadlines = context.getBean(Deadlines.class);
			long start = System.nanoTime();
			assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(deadlines::plainQuotes)
				.satisfies((ex) -> assertThat(ex.timeout()).isEqualTo(Duration.ofMillis(100)));
			long elapsed = System.nanoTime() - start;
			assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos())
				.isLessThan(Duration.ofSeconds(4).toNanos());
			assertThat(Thread.interrupted()).isFalse();
		});
	}

	@Test
	void instancePropertyOverridesTheDefaultsProperty() {
		this.runner
			.withPropertyValues("async-utils.timeout.instances.quotes.duration=100ms",
					"async-utils.timeout.defaults.duration=5s")
			.run((context) -> {
				Deadlines deadlines = context.getBean(Deadlines.class);
				long start = System.nanoTime();
				assertThat(awaitTimeout(deadlines.quotes(), start).exception().timeout())
					.isEqualTo(Duration.ofMillis(100));
			});
	}

	@Test
	void instancePropertyAppliesToTheDefaultInstanceName() {
		this.runner.withPropertyValues("async-utils.timeout.instances[Deadlines.unset].duration=120ms")
			.run((context) -> {
				Deadlines deadlines = context.getBean(Deadlines.class);
				long start = System.nanoTime();
				TimedOut exceeded = awaitTimeout(deadlines.unset(), start);
				assertThat(exceeded.exception().name()).isEqualTo("Deadlines.unset");
				assertThat(exceeded.exception().timeout()).isEqualTo(Duration.ofMillis(120));
				assertThat(exceeded.elapsedNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(120).toNanos());
			});
	}

	@Test
	void defaultsPropertyFillsAnUnsetValueButNotASetOne() {
		this.runner.withPropertyValues("async-utils.timeout.defaults.duration=150ms").run((context) -> {
			Deadlines deadlines = context.getBean(Deadlines.class);
			long start = System.nanoTime();
			CompletableFuture<TimedOut> unset = observe(deadlines.unset(), start);
			CompletableFuture<TimedOut> annotated = observe(deadlines.annotated(), start);
			TimedOut fromDefaults = unset.get(10, TimeUnit.SECONDS);
			assertThat(fromDefaults.exception().timeout()).isEqualTo(Duration.ofMillis(150));
			assertThat(fromDefaults.exception().name()).isEqualTo("Deadlines.unset");
			assertThat(fromDefaults.elapsedNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(150).toNanos());
			TimedOut fromAnnotation = annotated.get(10, TimeUnit.SECONDS);
			assertThat(fromAnnotation.exception().timeout()).isEqualTo(Duration.ofMillis(200));
			assertThat(fromAnnotation.elapsedNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
		});
	}

	@Test
	void builtInDefaultIsOneSecond() {
		this.runner.run((context) -> {
			Deadlines deadlines = context.getBean(Deadlines.class);
			long start = System.nanoTime();
			TimedOut exceeded = awaitTimeout(deadlines.unset(), start);
			assertThat(exceeded.exception().timeout()).isEqualTo(Duration.ofSeconds(1));
			assertThat(exceeded.exception()).hasMessage("'Deadlines.unset' did not complete within 1000ms");
			assertThat(exceeded.elapsedNanos()).isGreaterThanOrEqualTo(Duration.ofSeconds(1).toNanos());
		});
	}

	@Test
	void annotationValueMayBeAPlaceholder() {
		this.runner.withPropertyValues("test.quote-deadline=130ms").run((context) -> {
			Deadlines deadlines = context.getBean(Deadlines.class);
			long start = System.nanoTime();
			TimedOut exceeded = awaitTimeout(deadlines.placeholder(), start);
			assertThat(exceeded.exception().timeout()).isEqualTo(Duration.ofMillis(130));
			assertThat(exceeded.elapsedNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(130).toNanos());
		});
	}

	/**
	 * Wait for a stage to fail with a timeout.
	 */
	private static TimedOut awaitTimeout(CompletableFuture<?> result, long start) throws Exception {
		return observe(result, start).get(10, TimeUnit.SECONDS);
	}

	/**
	 * Note when a stage fails, which must be with a timeout.
	 */
	private static CompletableFuture<TimedOut> observe(CompletableFuture<?> result, long start) {
		return result.handle((value, failure) -> {
			long elapsed = System.nanoTime() - start;
			if (failure instanceof TimeoutExceededException exceeded) {
				return new TimedOut(exceeded, elapsed);
			}
			throw new AssertionError("expected a timeout, got " + ((failure != null) ? failure : value));
		});
	}

	/**
	 * A timeout and how long after the call the stage failed.
	 */
	private record TimedOut(TimeoutExceededException exception, long elapsedNanos) {

	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Deadlines deadlines() {
			return new Deadlines();
		}

	}

	static class Deadlines {

		@Timeout(value = "5s", name = "quotes")
		public CompletableFuture<String> quotes() {
			return new CompletableFuture<>();
		}

		@Timeout(value = "5s", name = "plain-quotes")
		public String plainQuotes() throws InterruptedException {
			Thread.sleep(10_000);
			return "late";
		}

		@Timeout
		public CompletableFuture<String> unset() {
			return new CompletableFuture<>();
		}

		@Timeout("200ms")
		public CompletableFuture<String> annotated() {
			return new CompletableFuture<>();
		}

		@Timeout("${test.quote-deadline:5s}")
		public CompletableFuture<String> placeholder() {
			return new CompletableFuture<>();
		}

	}

}
