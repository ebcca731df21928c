package dev.asyncutils.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Annotations on a type apply to its public methods; a method-level annotation of the
 * same kind replaces the type-level one, other kinds still come from the type.
 */
class TypeLevelAnnotationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void typeLevelRetryAndFallbackApplyToPublicMethods() {
		this.runner.run((context) -> {
			Calls calls = context.getBean(Calls.class);
			assertThat(context.getBean(TypeLevel.class).inherits()).isEqualTo("recover:inherits 4");
			assertThat(calls.of("inherits")).isEqualTo(4);
			assertThat(calls.fallbacks).containsExactly("recover");
		});
	}

	@Test
	void typeLevelAnnotationsApplyToEveryReturnKind() {
		this.runner.run((context) -> {
			Calls calls = context.getBean(Calls.class);
			assertThat(context.getBean(TypeLevel.class).async().get(5, TimeUnit.SECONDS)).isEqualTo("recover:async 4");
			assertThat(calls.of("async")).isEqualTo(4);
		});
	}

	@Test
	void methodLevelRetryReplacesTypeLevelRetry() {
		this.runner.run((context) -> {
			Calls calls = context.getBean(Calls.class);
			assertThat(context.getBean(TypeLevel.class).ownRetry()).isEqualTo("recover:ownRetry 2");
			assertThat(calls.of("ownRetry")).isEqualTo(2);
			assertThat(calls.fallbacks).containsExactly("recover");
		});
	}

	@Test
	void methodLevelFallbackReplacesTypeLevelFallbackWhileTypeLevelRetryStillApplies() {
		this.runner.run((context) -> {
			Calls calls = context.getBean(Calls.class);
			assertThat(context.getBean(TypeLevel.class).ownFallback()).isEqualTo("other:ownFallback 4");
			assertThat(calls.of("ownFallback")).isEqualTo(4);
			assertThat(calls.fallbacks).containsExactly("other");
		});
	}

	@Test
	void nonPublicMethodsAreNotGuardedByTypeLevelAnnotations() {
		this.runner.run((context) -> {
			Calls calls = context.getBean(Calls.class);
			Throwable thrown = catchThrowable(context.getBean(TypeLevel.class)::packagePrivate);
			assertThat(thrown).isExactlyInstanceOf(IllegalStateException.class).hasMessage("packagePrivate 1");
			assertThat(calls.of("packagePrivate")).isEqualTo(1);
			assertThat(calls.fallbacks).isEmpty();
		});
	}

	@Test
	void typeLevelRetryOnASuccessfulMethodCallsItOnce() {
		this.runner.run((context) -> {
			Calls calls = context.getBean(Calls.class);
			assertThat(context.getBean(TypeLevel.class).succeeds()).isEqualTo("ok");
			assertThat(calls.of("succeeds")).isEqualTo(1);
			assertThat(calls.fallbacks).isEmpty();
		});
	}

	@Test
	void objectMethodsAreNeverGuardedByTypeLevelAnnotations() {
		this.runner.run((context) -> {
			OneCallPerHour bean = context.getBean(OneCallPerHour.class);
			for (int i = 0; i < 3; i++) {
				assertThat(bean.toString()).isEqualTo("one call per hour");
				assertThat(bean.equals(bean)).isTrue();
				bean.hashCode();
			}
			// the one permit is still there: none of the above took it
			bean.call();
			assertThat(catchThrowable(bean::call)).isInstanceOf(ThrottleRejectedException.class);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		OneCallPerHour oneCallPerHour() {
			return new OneCallPerHour();
		}

		@Bean
		Calls calls() {
			return new Calls();
		}

		@Bean
		TypeLevel typeLevel(Calls calls) {
			return new TypeLevel(calls);
		}

	}

	static class Calls {

		final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

		final List<String> fallbacks = new CopyOnWriteArrayList<>();

		int increment(String method) {
			return this.counts.computeIfAbsent(method, (key) -> new AtomicInteger()).incrementAndGet();
		}

		int of(String method) {
			AtomicInteger count = this.counts.get(method);
			return (count != null) ? count.get() : 0;
		}

	}

	static class Described {

		@Override
		public String toString() {
			return "one call per hour";
		}

	}

	@Throttle(rate = 1, per = "1h", maxWait = "0")
	static class OneCallPerHour extends Described {

		public void call() {
		}

		@Override
		public boolean equals(Object other) {
			return other == this;
		}

		@Override
		public int hashCode() {
			return 42;
		}

	}

	@Retry(maxAttempts = 4, delay = "1ms")
	@Fallback("recover")
	static class TypeLevel {

		private final Calls calls;

		TypeLevel(Calls calls) {
			this.calls = calls;
		}

		public String inherits() {
			throw new IllegalStateException("inherits " + this.calls.increment("inherits"));
		}

		public CompletableFuture<String> async() {
			return CompletableFuture.failedFuture(new IllegalStateException("async " + this.calls.increment("async")));
		}

		@Retry(maxAttempts = 2, delay = "1ms")
		public String ownRetry() {
			throw new IllegalStateException("ownRetry " + this.calls.increment("ownRetry"));
		}

		@Fallback("other")
		public String ownFallback() {
			throw new IllegalStateException("ownFallback " + this.calls.increment("ownFallback"));
		}

		public String succeeds() {
			this.calls.increment("succeeds");
			return "ok";
		}

		String packagePrivate() {
			throw new IllegalStateException("packagePrivate " + this.calls.increment("packagePrivate"));
		}

		private String recover(Throwable failure) {
			this.calls.fallbacks.add("recover");
			return "recover:" + failure.getMessage();
		}

		private String other(Throwable failure) {
			this.calls.fallbacks.add("other");
			return "other:" + failure.getMessage();
		}

	}

}
