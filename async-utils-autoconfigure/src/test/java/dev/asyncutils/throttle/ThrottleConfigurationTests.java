package dev.asyncutils.throttle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.autoconfigure.AsyncUtilsProperties;
import dev.asyncutils.core.AsyncUtilsConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * How a throttle instance gets its settings and who shares it: shared names, conflicts,
 * property precedence and built-in defaults, startup failures for bad values, and the
 * registry as the programmatic twin (on a clock that moves only when a test moves it).
 */
@Timeout(60)
class ThrottleConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(FakeClockConfig.class);

	private void run(Class<?> bean, String[] properties, ContextTest test) {
		this.runner.withBean(bean).withPropertyValues(properties).run((context) -> {
			assertThat(context).hasNotFailed();
			test.run(context);
		});
	}

	private static String[] props(String... properties) {
		return properties;
	}

	private AsyncUtilsConfigurationException startupFailure(Class<?> bean, String... properties) {
		Throwable[] failure = new Throwable[1];
		ApplicationContextRunner runner = (bean != null) ? this.runner.withBean("bad", bean) : this.runner;
		runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			failure[0] = context.getStartupFailure();
		});
		Throwable root = NestedExceptionUtils.getMostSpecificCause(failure[0]);
		assertThat(root).isInstanceOf(AsyncUtilsConfigurationException.class);
		return (AsyncUtilsConfigurationException) root;
	}

	private static void assertNames(AsyncUtilsConfigurationException ex, String method, String setting, String value,
			String problem) {
		assertThat(ex.getBeanName()).isEqualTo("bad");
		assertThat(ex.getMethod()).isEqualTo(method);
		assertThat(ex.getSetting()).isEqualTo(setting);
		assertThat(ex.getValue()).isEqualTo(value);
		assertThat(ex.getProblem()).contains(problem);
		assertThat(ex.getMessage()).contains("bean 'bad'", method, setting, problem);
		if (value != null) {
			assertThat(ex.getMessage()).contains("'" + value + "'");
		}
	}

	private static TokenBucket bucket(AssertableApplicationContext context, String name) {
		return context.getBean(ThrottleRegistry.class).get(name);
	}

	@Test
	void methodsWithTheSameNameShareOneBucketWhateverTheirReturnKind() {
		run(Shared.class, props(), (context) -> {
			Shared service = context.getBean(Shared.class);
			TokenBucket bucket = bucket(context, "shared");
			assertThat(bucket.availablePermits()).isEqualTo(3);
			service.first();
			assertThat(bucket.availablePermits()).isEqualTo(2);
			assertThat(service.second().get(10, TimeUnit.SECONDS)).isEqualTo("ok");
			assertThat(bucket.availablePermits()).isEqualTo(1);
			service.first();
			assertThat(bucket.availablePermits()).isZero();
			assertThat(service.second()).isCompletedExceptionally();
			assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(service::first)
				.satisfies((ex) -> assertThat(ex.name()).isEqualTo("shared"));
			assertThat(service.invocations()).containsExactly("first", "second", "first");
			context.getBean(FakeClock.class).advance(Duration.ofMinutes(20));
			assertThat(service.second().get(10, TimeUnit.SECONDS)).isEqualTo("ok");
			assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(service::first);
			assertThat(service.invocations()).containsExactly("first", "second", "first", "second");
		});
	}

	@Test
	void theRegistryHandsOutTheBucketTheAnnotatedMethodUses() {
		run(Shared.class, props(), (context) -> {
			Shared service = context.getBean(Shared.class);
			ThrottleRegistry registry = context.getBean(ThrottleRegistry.class);
			TokenBucket bucket = registry.get("shared");
			assertThat(registry.get("shared")).isSameAs(bucket);
			assertThat(registry.all()).containsEntry("shared", bucket);
			assertThat(bucket.settings())
				.isEqualTo(new ThrottleSettings("shared", 3, Duration.ofHours(1), 3, Duration.ZERO));
			assertThat(bucket.tryAcquire()).isTrue();
			assertThat(bucket.tryAcquire()).isTrue();
			service.first();
			assertThat(bucket.tryAcquire()).isFalse();
			assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(service::first);
			assertThat(service.invocations()).containsExactly("first");
		});
	}

	@Test
	void differentSettingsForOneSharedNameFailStartupNamingBothMethods() {
		AsyncUtilsConfigurationException ex = startupFailure(Conflicting.class);
		assertThat(ex.getMessage()).contains("\"dup\"", "Conflicting.first()", "Conflicting.second()",
				"async-utils.throttle.instances.dup");
		assertThat(ex.getProblem()).contains("conflicts with");
	}

	@Test
	void settingTheConflictingValuesOnceAsPropertiesResolvesTheConflict() {
		run(Conflicting.class, props("async-utils.throttle.instances.dup.rate=4"), (context) -> {
			Conflicting service = context.getBean(Conflicting.class);
			assertThat(bucket(context, "dup").settings())
				.isEqualTo(new ThrottleSettings("dup", 4, Duration.ofSeconds(1), 4, Duration.ZERO));
			for (int i = 0; i < 2; i++) {
				service.first();
				service.second();
			}
			assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(service::second);
		});
	}

	@Test
	void instancePropertiesOverrideTheAnnotation() {
		run(Overridden.class,
				props("async-utils.throttle.instances.ov.rate=2", "async-utils.throttle.instances.ov.per=1m",
						"async-utils.throttle.instances.ov.burst=3", "async-utils.throttle.instances.ov.max-wait=0",
						"async-utils.throttle.defaults.burst=7"),
				(context) -> {
					Overridden service = context.getBean(Overridden.class);
					assertThat(bucket(context, "ov").settings())
						.isEqualTo(new ThrottleSettings("ov", 2, Duration.ofMinutes(1), 3, Duration.ZERO));
					for (int i = 0; i < 3; i++) {
						service.call();
					}
					assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(service::call)
						.satisfies((ex) -> assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(30)));
					assertThat(service.calls()).isEqualTo(3);
				});
	}

	@Test
	void defaultsFillWhatTheAnnotationLeavesUnset() {
		run(Defaulted.class,
				props("async-utils.throttle.defaults.rate=50", "async-utils.throttle.defaults.per=1h",
						"async-utils.throttle.defaults.burst=2", "async-utils.throttle.defaults.max-wait=0"),
				(context) -> {
					// the annotation sets rate, per, burst and max-wait: it wins over
					// defaults
					assertThat(bucket(context, "full").settings())
						.isEqualTo(new ThrottleSettings("full", 1, Duration.ofMinutes(10), 5, Duration.ofSeconds(7)));
					// name and rate only: per, burst and max-wait come from the defaults
					assertThat(bucket(context, "partial").settings())
						.isEqualTo(new ThrottleSettings("partial", 4, Duration.ofHours(1), 2, Duration.ZERO));
					// nothing but a name: the rate comes from the defaults too
					assertThat(bucket(context, "bare").settings())
						.isEqualTo(new ThrottleSettings("bare", 50, Duration.ofHours(1), 2, Duration.ZERO));
					Defaulted service = context.getBean(Defaulted.class);
					service.partial();
					service.partial();
					assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(service::partial);
				});
	}

	@Test
	void builtInDefaultsApplyWhenNothingIsSet() {
		run(BuiltIn.class, props(), (context) -> {
			// per 1s, burst max(1, ceil(rate)), max-wait unbounded, name Class.method
			assertThat(bucket(context, "BuiltIn.fractional").settings())
				.isEqualTo(new ThrottleSettings("BuiltIn.fractional", 2.5, Duration.ofSeconds(1), 3, null));
			assertThat(bucket(context, "BuiltIn.slow").settings())
				.isEqualTo(new ThrottleSettings("BuiltIn.slow", 0.5, Duration.ofSeconds(1), 1, null));
			TokenBucket bucket = bucket(context, "BuiltIn.fractional");
			BuiltIn service = context.getBean(BuiltIn.class);
			for (int i = 0; i < 3; i++) {
				service.fractional();
			}
			assertThat(bucket.availablePermits()).isZero();
			assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofMillis(400));
		});
	}

	@Test
	void rateFromTheDefaultsPropertyServesAnAnnotationWithoutRate() {
		run(NoRate.class, props("async-utils.throttle.defaults.rate=7"),
				(context) -> assertThat(bucket(context, "NoRate.call").settings())
					.isEqualTo(new ThrottleSettings("NoRate.call", 7, Duration.ofSeconds(1), 7, null)));
	}

	@Test
	void rateFromNowhereFailsStartup() {
		AsyncUtilsConfigurationException ex = startupFailure(NoRate.class);
		assertNames(ex, "NoRate.call()", "@Throttle(rate)", null, "is required");
		assertThat(ex.getProblem()).contains("async-utils.throttle.instances.[NoRate.call].rate",
				"async-utils.throttle.defaults.rate");
	}

	@Test
	void nonPositiveRateFailsStartup() {
		assertNames(startupFailure(NegativeRate.class), "NegativeRate.call()", "@Throttle(rate)", "-1.0",
				"must be greater than 0");
		assertNames(startupFailure(Named.class, "async-utils.throttle.instances.named.rate=0"), "Named.call()",
				"property 'async-utils.throttle.instances.named.rate'", "0.0", "must be greater than 0");
		assertNames(startupFailure(Named.class, "async-utils.throttle.instances.named.rate=-0.5"), "Named.call()",
				"property 'async-utils.throttle.instances.named.rate'", "-0.5", "must be greater than 0");
	}

	@Test
	void burstBelowOneFailsStartup() {
		assertNames(startupFailure(NegativeBurst.class), "NegativeBurst.call()", "@Throttle(burst)", "-1",
				"must be at least 1");
		assertNames(startupFailure(Named.class, "async-utils.throttle.instances.named.burst=0"), "Named.call()",
				"property 'async-utils.throttle.instances.named.burst'", "0", "must be at least 1");
		assertNames(startupFailure(Named.class, "async-utils.throttle.defaults.burst=0"), "Named.call()",
				"property 'async-utils.throttle.defaults.burst'", "0", "must be at least 1");
	}

	@Test
	void badPeriodsAndMaxWaitsFailStartup() {
		assertNames(startupFailure(UnparsablePer.class), "UnparsablePer.call()", "@Throttle(per)", "abc",
				"not a duration");
		assertNames(startupFailure(ZeroPer.class), "ZeroPer.call()", "@Throttle(per)", "0ms", "must be positive");
		assertNames(startupFailure(UnparsableMaxWait.class), "UnparsableMaxWait.call()", "@Throttle(maxWait)", "soon",
				"not a duration");
		assertNames(startupFailure(NegativeMaxWait.class), "NegativeMaxWait.call()", "@Throttle(maxWait)", "-1500ms",
				"must not be negative");
		// beyond what a backlog of nanoseconds can hold exactly
		assertNames(startupFailure(CenturiesMaxWait.class), "CenturiesMaxWait.call()", "@Throttle(maxWait)", "30000d",
				"longer than a throttle or a limit can track");
	}

	@Test
	void unparsablePeriodPropertyFailsStartup() {
		StringBuilder messages = new StringBuilder();
		this.runner.withBean("bad", Named.class)
			.withPropertyValues("async-utils.throttle.instances.named.per=often")
			.run((context) -> {
				assertThat(context).hasFailed();
				for (Throwable ex = context.getStartupFailure(); ex != null; ex = ex.getCause()) {
					messages.append(ex.getMessage()).append('\n');
				}
			});
		assertThat(messages.toString()).contains("async-utils.throttle.instances.named.per", "often");
	}

	@Test
	void aPropertyOnlyInstanceIsUsableFromTheRegistry() {
		this.runner.withPropertyValues("async-utils.throttle.instances.p.rate=5").run((context) -> {
			assertThat(context).hasNotFailed();
			ThrottleRegistry registry = context.getBean(ThrottleRegistry.class);
			assertThat(registry.all()).containsOnlyKeys("p");
			TokenBucket bucket = registry.get("p");
			assertThat(registry.get("p")).isSameAs(bucket);
			assertThat(bucket.settings()).isEqualTo(new ThrottleSettings("p", 5, Duration.ofSeconds(1), 5, null));
			for (int i = 0; i < 4; i++) {
				assertThat(bucket.tryAcquire()).isTrue();
			}
			bucket.acquire();
			assertThat(bucket.tryAcquire()).isFalse();
			assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofMillis(200));
			context.getBean(FakeClock.class).advance(Duration.ofMillis(200));
			bucket.acquire();
			assertThat(bucket.tryAcquire()).isFalse();
		});
	}

	@Test
	void aPropertyOnlyInstanceHonoursItsMaxWait() {
		this.runner
			.withPropertyValues("async-utils.throttle.instances.p.rate=1", "async-utils.throttle.instances.p.per=1m",
					"async-utils.throttle.instances.p.max-wait=30s")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				TokenBucket bucket = context.getBean(ThrottleRegistry.class).get("p");
				bucket.acquire();
				assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(bucket::acquire)
					.satisfies((ex) -> {
						assertThat(ex.name()).isEqualTo("p");
						assertThat(ex.retryAfter()).isEqualTo(Duration.ofMinutes(1));
					});
				context.getBean(FakeClock.class).advance(Duration.ofSeconds(30));
				long token = bucket.reserve();
				assertThat(token).isNotEqualTo(TokenBucket.REJECTED);
				assertThat(bucket.waitNanos(token, bucket.now())).isEqualTo(TimeUnit.SECONDS.toNanos(30));
			});
	}

	@Test
	void aBadPropertyOnlyInstanceFailsStartupWithoutBeanOrMethod() {
		AsyncUtilsConfigurationException ex = startupFailure(null, "async-utils.throttle.instances.q.rate=0");
		assertThat(ex.getBeanName()).isNull();
		assertThat(ex.getMethod()).isNull();
		assertThat(ex.getSetting()).isEqualTo("property 'async-utils.throttle.instances.q.rate'");
		assertThat(ex.getValue()).isEqualTo("0.0");
		assertThat(ex.getMessage()).contains("must be greater than 0");
		AsyncUtilsConfigurationException noRate = startupFailure(null, "async-utils.throttle.instances.q.per=2s");
		assertThat(noRate.getBeanName()).isNull();
		assertThat(noRate.getSetting()).isEqualTo("@Throttle(rate)");
		assertThat(noRate.getProblem()).contains("is required", "async-utils.throttle.instances.q.rate");
	}

	@Test
	void anUnknownNameIsNotInTheRegistry() {
		run(Shared.class, props(), (context) -> {
			ThrottleRegistry registry = context.getBean(ThrottleRegistry.class);
			assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> registry.get("nope"))
				.withMessageContaining("'nope'")
				.withMessageContaining("async-utils.throttle.instances.nope.rate");
		});
	}

	@FunctionalInterface
	interface ContextTest {

		void run(AssertableApplicationContext context) throws Exception;

	}

	/**
	 * The registry on a clock that only moves when a test moves it.
	 */
	@Configuration(proxyBeanMethods = false)
	static class FakeClockConfig {

		@Bean
		FakeClock fakeClock() {
			return new FakeClock();
		}

		@Bean
		ThrottleRegistry throttleRegistry(AsyncUtilsProperties properties, FakeClock clock) {
			return new ThrottleRegistry(properties.getThrottle(), clock);
		}

	}

	static final class FakeClock implements LongSupplier {

		private final AtomicLong now = new AtomicLong(-TimeUnit.DAYS.toNanos(2));

		@Override
		public long getAsLong() {
			return this.now.get();
		}

		void advance(Duration duration) {
			this.now.addAndGet(duration.toNanos());
		}

	}

	static class Shared {

		private final ConcurrentLinkedQueue<String> invocations = new ConcurrentLinkedQueue<>();

		@Throttle(name = "shared", rate = 3, per = "1h", maxWait = "0")
		public void first() {
			this.invocations.add("first");
		}

		@Throttle(name = "shared", rate = 3, per = "1h", maxWait = "0")
		public CompletableFuture<String> second() {
			this.invocations.add("second");
			return CompletableFuture.completedFuture("ok");
		}

		List<String> invocations() {
			return new ArrayList<>(this.invocations);
		}

	}

	static class Conflicting {

		@Throttle(name = "dup", rate = 1, maxWait = "0")
		public void first() {
		}

		@Throttle(name = "dup", rate = 2, maxWait = "0")
		public void second() {
		}

	}

	static class Overridden {

		private final AtomicLong calls = new AtomicLong();

		@Throttle(name = "ov", rate = 1, per = "10m", burst = 5, maxWait = "7s")
		public void call() {
			this.calls.incrementAndGet();
		}

		long calls() {
			return this.calls.get();
		}

	}

	static class Defaulted {

		@Throttle(name = "full", rate = 1, per = "10m", burst = 5, maxWait = "7s")
		public void full() {
		}

		@Throttle(name = "partial", rate = 4)
		public void partial() {
		}

		@Throttle(name = "bare")
		public void bare() {
		}

	}

	static class BuiltIn {

		@Throttle(rate = 2.5)
		public void fractional() {
		}

		@Throttle(rate = 0.5)
		public void slow() {
		}

	}

	static class NoRate {

		@Throttle
		public void call() {
		}

	}

	static class NegativeRate {

		@Throttle(rate = -1)
		public void call() {
		}

	}

	static class Named {

		@Throttle(name = "named", rate = 5)
		public void call() {
		}

	}

	static class NegativeBurst {

		@Throttle(rate = 5, burst = -1)
		public void call() {
		}

	}

	static class UnparsablePer {

		@Throttle(rate = 5, per = "abc")
		public void call() {
		}

	}

	static class ZeroPer {

		@Throttle(rate = 5, per = "0ms")
		public void call() {
		}

	}

	static class UnparsableMaxWait {

		@Throttle(rate = 5, maxWait = "soon")
		public void call() {
		}

	}

	static class CenturiesMaxWait {

		@Throttle(rate = 5, maxWait = "30000d")
		public void call() {
		}

	}

	static class NegativeMaxWait {

		@Throttle(rate = 5, maxWait = "-1500ms")
		public void call() {
		}

	}

}
