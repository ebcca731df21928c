package dev.asyncutils.retry;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.annotation.Retry;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.retry.RetryTestSupport.AttemptLog;
import dev.asyncutils.retry.RetryTestSupport.Behavior;
import dev.asyncutils.retry.RetryTestSupport.Thrown;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * How {@code @Retry} settings are resolved: {@code async-utils.retry.instances.<name>.*}
 * over the annotation over {@code async-utils.retry.defaults.*} over the built-in
 * defaults, instance names, placeholders, and class-level annotations with method-level
 * replacement.
 */
class RetryConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class)
		.withPropertyValues("my.delay=120ms", "my.name=placeholder-named");

	private final Thrown thrown = new Thrown();

	@Test
	void annotationAloneDecidesWithoutProperties() {
		this.runner.run((context) -> {
			assertThat(attemptsOf(context, Configured::named)).isEqualTo(2);
		});
	}

	@Test
	void instancePropertyOverridesTheAnnotation() {
		this.runner.withPropertyValues("async-utils.retry.instances.inventory.max-attempts=4").run((context) -> {
			assertThat(attemptsOf(context, Configured::named)).isEqualTo(4);
		});
	}

	@Test
	void instancePropertyOverridesTheDefaultsProperty() {
		this.runner
			.withPropertyValues("async-utils.retry.instances.inventory.max-attempts=4",
					"async-utils.retry.defaults.max-attempts=6")
			.run((context) -> assertThat(attemptsOf(context, Configured::named)).isEqualTo(4));
	}

	@Test
	void instancePropertyForAnotherNameDoesNotApply() {
		this.runner.withPropertyValues("async-utils.retry.instances.other.max-attempts=4").run((context) -> {
			assertThat(attemptsOf(context, Configured::named)).isEqualTo(2);
		});
	}

	@Test
	void defaultInstanceNameIsSimpleClassNameDotMethodName() {
		this.runner.withPropertyValues("async-utils.retry.instances[Configured.unnamed].max-attempts=5")
			.run((context) -> {
				assertThat(attemptsOf(context, Configured::unnamed)).isEqualTo(5);
				// another method of the same bean keeps its own instance
				assertThat(attemptsOf(context, Configured::annotationSetsMaxAttempts)).isEqualTo(2);
			});
	}

	@Test
	void defaultsPropertyFillsAnUnsetAttribute() {
		this.runner.withPropertyValues("async-utils.retry.defaults.max-attempts=4").run((context) -> {
			assertThat(attemptsOf(context, Configured::unnamed)).isEqualTo(4);
		});
	}

	@Test
	void annotationAttributeWinsOverTheDefaultsProperty() {
		this.runner.withPropertyValues("async-utils.retry.defaults.max-attempts=4").run((context) -> {
			assertThat(attemptsOf(context, Configured::annotationSetsMaxAttempts)).isEqualTo(2);
		});
	}

	@Test
	void defaultsPropertyDelayFillsAnUnsetDelay() {
		// 150ms is longer than the built-in 100ms, so the lower bound tells them apart
		this.runner.withPropertyValues("async-utils.retry.defaults.delay=150ms").run((context) -> {
			assertThat(attemptsOf(context, Configured::annotationSetsMaxAttempts)).isEqualTo(2);
			assertThat(log(context).gaps().get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(150));
		});
	}

	@Test
	void instancePropertyDelayOverridesTheAnnotationDelay() {
		this.runner.withPropertyValues("async-utils.retry.instances.inventory.delay=120ms").run((context) -> {
			assertThat(attemptsOf(context, Configured::named)).isEqualTo(2);
			assertThat(log(context).gaps().get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(120));
		});
	}

	@Test
	void instancePropertiesSetTheBackOff() {
		this.runner
			.withPropertyValues("async-utils.retry.instances.inventory.max-attempts=4",
					"async-utils.retry.instances.inventory.delay=20ms",
					"async-utils.retry.instances.inventory.multiplier=10",
					"async-utils.retry.instances.inventory.max-delay=30ms")
			.run((context) -> {
				assertThat(attemptsOf(context, Configured::named)).isEqualTo(4);
				AttemptLog log = log(context);
				assertThat(log.gaps().get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(20));
				assertThat(log.gaps().get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(30));
				assertThat(log.gaps().get(2)).isGreaterThanOrEqualTo(Duration.ofMillis(30));
				// uncapped: 20ms + 200ms + 2000ms
				assertThat(log.span()).isLessThan(Duration.ofMillis(1500));
			});
	}

	@Test
	void instancePropertyJitterKeepsEachWaitAtLeastTheDelay() {
		this.runner.withPropertyValues("async-utils.retry.instances.inventory.max-attempts=5",
				"async-utils.retry.instances.inventory.delay=20ms",
				"async-utils.retry.instances.inventory.multiplier=1", "async-utils.retry.instances.inventory.jitter=1")
			.run((context) -> {
				assertThat(attemptsOf(context, Configured::named)).isEqualTo(5);
				assertThat(log(context).gaps()).hasSize(4)
					.allSatisfy((gap) -> assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(20)));
			});
	}

	@Test
	void instancePropertyMaxDurationLimitsTheAttempts() {
		this.runner
			.withPropertyValues("async-utils.retry.instances.inventory.max-attempts=10",
					"async-utils.retry.instances.inventory.delay=100ms",
					"async-utils.retry.instances.inventory.max-duration=150ms")
			.run((context) -> assertThat(attemptsOf(context, Configured::named)).isEqualTo(2));
	}

	@Test
	void defaultsPropertyMaxDurationLimitsTheAttempts() {
		this.runner
			.withPropertyValues("async-utils.retry.defaults.max-attempts=10", "async-utils.retry.defaults.delay=100ms",
					"async-utils.retry.defaults.max-duration=150ms")
			.run((context) -> assertThat(attemptsOf(context, Configured::bare)).isEqualTo(2));
	}

	@Test
	void instancePropertyRetryOnReplacesTheBuiltInDefault() {
		this.runner.withPropertyValues("async-utils.retry.instances.inventory.retry-on=java.io.IOException")
			.run((context) -> {
				Configured configured = context.getBean(Configured.class);
				Throwable failure = catchThrowable(() -> configured.named(this.thrown.alwaysIllegalState()));
				assertThat(failure).isSameAs(this.thrown.get(0));
				assertThat(log(context).count()).isEqualTo(1);
				catchThrowable(() -> configured.named(this.thrown.always((attempt) -> new IOException("io"))));
				assertThat(log(context).count()).isEqualTo(1 + 2);
			});
	}

	@Test
	void instancePropertyAbortOnStopsRetrying() {
		this.runner.withPropertyValues("async-utils.retry.instances.inventory.abort-on=java.lang.IllegalStateException")
			.run((context) -> {
				Configured configured = context.getBean(Configured.class);
				Throwable failure = catchThrowable(() -> configured.named(this.thrown.alwaysIllegalState()));
				assertThat(failure).isSameAs(this.thrown.get(0));
				assertThat(log(context).count()).isEqualTo(1);
			});
	}

	@Test
	void defaultsPropertyRetryOnAndAbortOnFillUnsetAttributes() {
		this.runner
			.withPropertyValues("async-utils.retry.defaults.retry-on=java.lang.RuntimeException",
					"async-utils.retry.defaults.abort-on=java.lang.IllegalArgumentException")
			.run((context) -> {
				Configured configured = context.getBean(Configured.class);
				catchThrowable(() -> configured.unnamed(this.thrown.always((attempt) -> new IOException("io"))));
				assertThat(log(context).count()).isEqualTo(1);
				catchThrowable(() -> configured
					.unnamed(this.thrown.always((attempt) -> new IllegalArgumentException("abort"))));
				assertThat(log(context).count()).isEqualTo(2);
				catchThrowable(() -> configured.unnamed(this.thrown.alwaysIllegalState()));
				assertThat(log(context).count()).isEqualTo(2 + 3);
			});
	}

	@Test
	void instancePropertyAppliesToCompletableFutureMethods() {
		this.runner.withPropertyValues("async-utils.retry.instances.async.max-attempts=4").run((context) -> {
			Configured configured = context.getBean(Configured.class);
			CompletableFuture<String> result = configured
				.async(this.thrown.alwaysFailedFuture((attempt) -> new IllegalStateException("attempt " + attempt)));
			Throwable failure = result.handle((value, ex) -> ex).get(5, TimeUnit.SECONDS);
			assertThat(log(context).count()).isEqualTo(4);
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void instancePropertyAppliesToMonoMethods() {
		this.runner.withPropertyValues("async-utils.retry.instances.reactive.max-attempts=4").run((context) -> {
			Configured configured = context.getBean(Configured.class);
			StepVerifier
				.create(configured.reactive((attempt) -> Mono.error(this.thrown.add(new IllegalStateException()))))
				.expectErrorSatisfies(this.thrown::assertIsLastWithEarlierSuppressed)
				.verify(Duration.ofSeconds(10));
			assertThat(log(context).count()).isEqualTo(4);
		});
	}

	@Test
	void placeholderInDelayIsResolved() {
		this.runner.run((context) -> {
			assertThat(attemptsOf(context, Configured::placeholderDelay)).isEqualTo(2);
			assertThat(log(context).gaps().get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(120));
		});
	}

	@Test
	void placeholderInNameIsResolved() {
		this.runner.withPropertyValues("async-utils.retry.instances.placeholder-named.max-attempts=5")
			.run((context) -> assertThat(attemptsOf(context, Configured::placeholderName)).isEqualTo(5));
	}

	@Test
	void classLevelRetryAppliesToEveryPublicMethod() {
		this.runner.run((context) -> {
			ClassLevel bean = context.getBean(ClassLevel.class);
			Throwable failure = catchThrowable(() -> bean.inherited(this.thrown.alwaysIllegalState()));
			assertThat(log(context).count()).isEqualTo(4);
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void classLevelRetryAppliesToPublicCompletableFutureMethods() {
		this.runner.run((context) -> {
			ClassLevel bean = context.getBean(ClassLevel.class);
			CompletableFuture<String> result = bean
				.inheritedAsync(this.thrown.alwaysFailedFuture((attempt) -> new IllegalStateException()));
			Throwable failure = result.handle((value, ex) -> ex).get(5, TimeUnit.SECONDS);
			assertThat(log(context).count()).isEqualTo(4);
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void classLevelRetryOnIsUsedByMethodsWithoutTheirOwnAnnotation() {
		this.runner.run((context) -> {
			ClassLevel bean = context.getBean(ClassLevel.class);
			catchThrowable(() -> bean.inherited(this.thrown.always((attempt) -> new IOException("io"))));
			assertThat(log(context).count()).isEqualTo(1);
		});
	}

	@Test
	void methodLevelRetryReplacesTheClassLevelOneEntirely() {
		this.runner.run((context) -> {
			ClassLevel bean = context.getBean(ClassLevel.class);
			catchThrowable(() -> bean.overridden(this.thrown.alwaysIllegalState()));
			assertThat(log(context).count()).isEqualTo(2);
			// the class-level retryOn (IllegalStateException) is not inherited: the
			// built-in default (Exception) applies
			catchThrowable(() -> bean.overridden(this.thrown.always((attempt) -> new IOException("io"))));
			assertThat(log(context).count()).isEqualTo(2 + 2);
		});
	}

	@Test
	void classLevelRetryDoesNotApplyToNonPublicMethods() {
		this.runner.run((context) -> {
			ClassLevel bean = context.getBean(ClassLevel.class);
			Throwable failure = catchThrowable(() -> bean.notPublic(this.thrown.alwaysIllegalState()));
			assertThat(failure).isSameAs(this.thrown.get(0));
			assertThat(log(context).count()).isEqualTo(1);
		});
	}

	@Test
	void instancePropertyUsesTheClassLevelInstanceName() {
		this.runner.withPropertyValues("async-utils.retry.instances[ClassLevel.inherited].max-attempts=2")
			.run((context) -> {
				ClassLevel bean = context.getBean(ClassLevel.class);
				catchThrowable(() -> bean.inherited(this.thrown.alwaysIllegalState()));
				assertThat(log(context).count()).isEqualTo(2);
				catchThrowable(() -> bean
					.inheritedAsync(this.thrown.alwaysFailedFuture((attempt) -> new IllegalStateException()))
					.handle((value, ex) -> ex)
					.get(5, TimeUnit.SECONDS));
				assertThat(log(context).count()).isEqualTo(2 + 4);
			});
	}

	@Test
	void disabledAsyncUtilsLeavesMethodsPlain() {
		this.runner.withPropertyValues("async-utils.enabled=false").run((context) -> {
			assertThat(attemptsOf(context, Configured::named)).isEqualTo(1);
		});
	}

	private int attemptsOf(ApplicationContext context, Guarded guarded) {
		Configured configured = context.getBean(Configured.class);
		int before = log(context).count();
		Throwable failure = catchThrowable(() -> guarded.call(configured, this.thrown.alwaysIllegalState()));
		assertThat(failure).isSameAs(this.thrown.get(this.thrown.size() - 1));
		return log(context).count() - before;
	}

	private static AttemptLog log(ApplicationContext context) {
		return context.getBean(AttemptLog.class);
	}

	@FunctionalInterface
	interface Guarded {

		String call(Configured configured, Behavior<String> behavior) throws Throwable;

	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		AttemptLog attemptLog() {
			return new AttemptLog();
		}

		@Bean
		Configured configured(AttemptLog log) {
			return new Configured(log);
		}

		@Bean
		ClassLevel classLevel(AttemptLog log) {
			return new ClassLevel(log);
		}

	}

	static class Configured {

		private final AttemptLog log;

		Configured(AttemptLog log) {
			this.log = log;
		}

		@Retry(name = "inventory", maxAttempts = 2, delay = "1ms")
		public String named(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "1ms")
		public String unnamed(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry
		public String bare(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(maxAttempts = 2)
		public String annotationSetsMaxAttempts(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(maxAttempts = 2, delay = "${my.delay}")
		public String placeholderDelay(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(name = "${my.name}", maxAttempts = 2, delay = "1ms")
		public String placeholderName(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(name = "async", maxAttempts = 2, delay = "1ms")
		public CompletableFuture<String> async(Behavior<CompletableFuture<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(name = "reactive", maxAttempts = 2, delay = "1ms")
		public Mono<String> reactive(Behavior<Mono<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

	}

	@Retry(maxAttempts = 4, delay = "1ms", retryOn = IllegalStateException.class)
	static class ClassLevel {

		private final AttemptLog log;

		ClassLevel(AttemptLog log) {
			this.log = log;
		}

		public String inherited(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		public CompletableFuture<String> inheritedAsync(Behavior<CompletableFuture<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(maxAttempts = 2, delay = "1ms")
		public String overridden(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		protected String notPublic(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

	}

}
