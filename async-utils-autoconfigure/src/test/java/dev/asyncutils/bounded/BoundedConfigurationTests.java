package dev.asyncutils.bounded;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.core.AsyncUtilsConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@code @Bounded} settings in a Spring context: shared names, conflicts, precedence of
 * properties over the annotation over the defaults, startup failures for missing and bad
 * values, and the registry as the programmatic twin.
 */
class BoundedConfigurationTests {

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
	void methodsSharingANameShareOneLimit() {
		this.runner.withBean("first", SharedFirst.class).withBean("second", SharedSecond.class).run((context) -> {
			assertThat(context).hasNotFailed();
			SharedFirst first = context.getBean(SharedFirst.class);
			SharedSecond second = context.getBean(SharedSecond.class);
			BoundedLimiter shared = context.getBean(BoundedRegistry.class).get("shared");
			CompletableFuture<String> a = new CompletableFuture<>();
			CompletableFuture<String> b = new CompletableFuture<>();
			first.call(a);
			second.call(b);
			assertThat(shared.active()).isEqualTo(2);
			CompletableFuture<String> c = first.other(CompletableFuture.completedFuture("c"));
			CompletableFuture<String> d = second.call(CompletableFuture.completedFuture("d"));
			assertThat(shared.waiting()).isEqualTo(2);
			assertThat(first.calls() + second.calls()).isEqualTo(2);
			b.complete("b");
			assertThat(c.get()).isEqualTo("c");
			a.complete("a");
			assertThat(d.get()).isEqualTo("d");
			assertThat(shared.availableSlots()).isEqualTo(2);
			assertThat(context.getBean(BoundedRegistry.class).all()).containsOnlyKeys("shared");
		});
	}

	@Test
	void conflictingSettingsForOneNameFailAtStartup() {
		AsyncUtilsConfigurationException ex = startupFailure(
				this.runner.withBean("first", SharedFirst.class).withBean("clashing", Clashing.class));
		assertThat(ex.getMessage()).contains("shared", "conflicts with", "async-utils.bounded.instances.shared");
		assertThat(ex.getMessage()).containsAnyOf("Clashing.call(CompletableFuture)",
				"SharedFirst.call(CompletableFuture)");
	}

	@Test
	void conflictOnMaxWaitAloneFailsAtStartup() {
		AsyncUtilsConfigurationException ex = startupFailure(this.runner.withBean("bad", WaitClash.class));
		assertThat(ex.getMessage()).contains("@Bounded(name = \"waits\")", "conflicts with", "WaitClash.one()",
				"WaitClash.two()", "max-wait 1s", "max-wait 2s");
	}

	@Test
	void instancePropertySettlesWhatTheAnnotationsDisagreeOn() {
		this.runner.withBean("first", SharedFirst.class)
			.withBean("clashing", Clashing.class)
			.withPropertyValues("async-utils.bounded.instances.shared.max-concurrent=5")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(BoundedRegistry.class).get("shared").limit()).isEqualTo(5);
			});
	}

	@Test
	void instancePropertiesOverrideTheAnnotation() {
		this.runner.withBean("tuned", Tuned.class)
			.withPropertyValues("async-utils.bounded.instances.tuned.max-concurrent=3",
					"async-utils.bounded.instances.tuned.max-wait=50ms",
					"async-utils.bounded.instances.tuned.max-queued=7", "async-utils.bounded.defaults.max-concurrent=9")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("tuned");
				assertThat(limiter.settings()).isEqualTo(new BoundedSettings("tuned", 3, Duration.ofMillis(50), 7));
				// and the method really runs under them
				Tuned tuned = context.getBean(Tuned.class);
				for (int i = 0; i < 3; i++) {
					tuned.call(new CompletableFuture<>());
				}
				assertThat(limiter.active()).isEqualTo(3);
				assertThat(tuned.calls()).isEqualTo(3);
			});
	}

	@Test
	void defaultsFillWhatTheAnnotationLeavesUnset() {
		this.runner.withBean("unset", Unset.class)
			.withBean("tuned", Tuned.class)
			.withPropertyValues("async-utils.bounded.defaults.max-concurrent=4",
					"async-utils.bounded.defaults.max-wait=20ms", "async-utils.bounded.defaults.max-queued=6")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				BoundedRegistry registry = context.getBean(BoundedRegistry.class);
				assertThat(registry.get("Unset.call").settings())
					.isEqualTo(new BoundedSettings("Unset.call", 4, Duration.ofMillis(20), 6));
				// the annotation's own values beat the defaults
				assertThat(registry.get("tuned").settings())
					.isEqualTo(new BoundedSettings("tuned", 2, Duration.ofSeconds(1), 6));
			});
	}

	@Test
	void builtInDefaultsAreUnboundedWaitAndLine() {
		this.runner.withBean("first", SharedFirst.class).run((context) -> {
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("shared");
			assertThat(limiter.settings()).isEqualTo(new BoundedSettings("shared", 2, null, null));
		});
	}

	@Test
	void missingLimitFailsAtStartupNamingMaxConcurrent() {
		AsyncUtilsConfigurationException ex = startupFailure(this.runner.withBean("bad", Unset.class));
		assertThat(ex.getBeanName()).isEqualTo("bad");
		assertThat(ex.getMethod()).isEqualTo("Unset.call()");
		assertThat(ex.getSetting()).isEqualTo("@Bounded(value)");
		assertThat(ex.getValue()).isNull();
		assertThat(ex.getMessage()).contains("bean 'bad'", "Unset.call()",
				"async-utils.bounded.instances.[Unset.call].max-concurrent",
				"async-utils.bounded.defaults.max-concurrent");
	}

	@Test
	void limitBelowOneFromPropertyFailsAtStartup() {
		AsyncUtilsConfigurationException ex = startupFailure(this.runner.withBean("bad", Tuned.class)
			.withPropertyValues("async-utils.bounded.instances.tuned.max-concurrent=0"));
		assertThat(ex.getBeanName()).isEqualTo("bad");
		assertThat(ex.getMethod()).isEqualTo("Tuned.call(CompletableFuture)");
		assertThat(ex.getSetting()).isEqualTo("property 'async-utils.bounded.instances.tuned.max-concurrent'");
		assertThat(ex.getValue()).isEqualTo("0");
		assertThat(ex.getProblem()).contains("must be at least 1");
	}

	@Test
	void limitBelowOneFromDefaultsFailsAtStartup() {
		AsyncUtilsConfigurationException ex = startupFailure(this.runner.withBean("bad", Unset.class)
			.withPropertyValues("async-utils.bounded.defaults.max-concurrent=-3"));
		assertThat(ex.getSetting()).isEqualTo("property 'async-utils.bounded.defaults.max-concurrent'");
		assertThat(ex.getValue()).isEqualTo("-3");
		assertThat(ex.getProblem()).contains("must be at least 1");
	}

	@Test
	void negativeLimitOnTheAnnotationFailsAtStartup() {
		AsyncUtilsConfigurationException ex = startupFailure(this.runner.withBean("bad", NegativeLimit.class));
		assertThat(ex.getSetting()).isEqualTo("@Bounded(value)");
		assertThat(ex.getValue()).isEqualTo("-1");
		assertThat(ex.getProblem()).contains("must be at least 1");
	}

	@Test
	void negativeMaxQueuedFromPropertyFailsAtStartup() {
		AsyncUtilsConfigurationException ex = startupFailure(this.runner.withBean("bad", Tuned.class)
			.withPropertyValues("async-utils.bounded.instances.tuned.max-queued=-1"));
		assertThat(ex.getSetting()).isEqualTo("property 'async-utils.bounded.instances.tuned.max-queued'");
		assertThat(ex.getValue()).isEqualTo("-1");
	}

	@Test
	void negativeMaxWaitFromPropertyFailsAtStartup() {
		AsyncUtilsConfigurationException ex = startupFailure(this.runner.withBean("bad", Tuned.class)
			.withPropertyValues("async-utils.bounded.instances.tuned.max-wait=-5ms"));
		assertThat(ex.getSetting()).isEqualTo("property 'async-utils.bounded.instances.tuned.max-wait'");
		assertThat(ex.getProblem()).contains("must not be negative");
	}

	@Test
	void unparsableMaxWaitOnTheAnnotationFailsAtStartup() {
		AsyncUtilsConfigurationException ex = startupFailure(this.runner.withBean("bad", UnparsableWait.class));
		assertThat(ex.getBeanName()).isEqualTo("bad");
		assertThat(ex.getSetting()).isEqualTo("@Bounded(maxWait)");
		assertThat(ex.getValue()).isEqualTo("soon");
		assertThat(ex.getProblem()).contains("not a duration");
	}

	@Test
	void registryReturnsTheLimiterOfTheAnnotatedMethod() {
		this.runner.withBean("first", SharedFirst.class).run((context) -> {
			SharedFirst first = context.getBean(SharedFirst.class);
			BoundedRegistry registry = context.getBean(BoundedRegistry.class);
			BoundedLimiter limiter = registry.get("shared");
			assertThat(registry.get("shared")).isSameAs(limiter);
			CompletableFuture<String> pending = new CompletableFuture<>();
			first.call(pending);
			assertThat(limiter.active()).isEqualTo(1);
			// programmatic use takes from the same slots as the annotated method
			assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
			CompletableFuture<String> waiting = first.call(CompletableFuture.completedFuture("later"));
			assertThat(limiter.waiting()).isEqualTo(1);
			assertThat(first.calls()).isEqualTo(1);
			HeldSlots.of(limiter).release();
			assertThat(waiting.get()).isEqualTo("later");
			pending.complete("done");
			assertThat(limiter.availableSlots()).isEqualTo(2);
		});
	}

	@Test
	void propertyOnlyInstanceIsUsableProgrammatically() {
		this.runner
			.withPropertyValues("async-utils.bounded.instances.reports.max-concurrent=2",
					"async-utils.bounded.instances.reports.max-wait=0")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				BoundedRegistry registry = context.getBean(BoundedRegistry.class);
				// created at startup, so that its settings were checked then
				assertThat(registry.all()).containsOnlyKeys("reports");
				BoundedLimiter reports = registry.get("reports");
				assertThat(registry.get("reports")).isSameAs(reports);
				assertThat(reports.settings()).isEqualTo(new BoundedSettings("reports", 2, Duration.ZERO, null));
				HeldSlots.of(reports).acquire();
				HeldSlots.of(reports).acquire();
				assertThatExceptionOfType(BoundedRejectedException.class).isThrownBy(reports::acquire)
					.satisfies((ex) -> {
						assertThat(ex.name()).isEqualTo("reports");
						assertThat(ex.limit()).isEqualTo(2);
					});
				HeldSlots.of(reports).release();
				HeldSlots.of(reports).acquire();
				HeldSlots.of(reports).release();
				HeldSlots.of(reports).release();
				assertThat(reports.availableSlots()).isEqualTo(2);
			});
	}

	@Test
	void propertyOnlyInstanceTakesTheDefaults() {
		this.runner
			.withPropertyValues("async-utils.bounded.instances.reports.max-wait=2s",
					"async-utils.bounded.defaults.max-concurrent=3", "async-utils.bounded.defaults.max-queued=10")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(BoundedRegistry.class).get("reports").settings())
					.isEqualTo(new BoundedSettings("reports", 3, Duration.ofSeconds(2), 10));
			});
	}

	@Test
	void propertyOnlyInstanceWithoutLimitFailsAtStartup() {
		AsyncUtilsConfigurationException ex = startupFailure(
				this.runner.withPropertyValues("async-utils.bounded.instances.reports.max-wait=1s"));
		assertThat(ex.getBeanName()).isNull();
		assertThat(ex.getMethod()).isNull();
		assertThat(ex.getMessage()).contains("async-utils.bounded.instances.reports.max-concurrent");
	}

	@Test
	void propertyOnlyInstanceWithLimitBelowOneFailsAtStartup() {
		AsyncUtilsConfigurationException ex = startupFailure(
				this.runner.withPropertyValues("async-utils.bounded.instances.reports.max-concurrent=0"));
		assertThat(ex.getBeanName()).isNull();
		assertThat(ex.getSetting()).isEqualTo("property 'async-utils.bounded.instances.reports.max-concurrent'");
		assertThat(ex.getValue()).isEqualTo("0");
		assertThat(ex.getProblem()).contains("must be at least 1");
	}

	@Test
	void unknownInstanceNameIsAnError() {
		this.runner.run((context) -> {
			assertThatIllegalArgumentException().isThrownBy(() -> context.getBean(BoundedRegistry.class).get("nobody"))
				.withMessageContaining("nobody")
				.withMessageContaining("async-utils.bounded.instances.nobody.max-concurrent");
		});
	}

	@Test
	void misspelledPropertyFailsAtStartup() {
		this.runner.withPropertyValues("async-utils.bounded.instances.reports.max-concurent=2")
			.run((context) -> assertThat(context).hasFailed());
	}

	static class SharedFirst {

		private final AtomicInteger calls = new AtomicInteger();

		@Bounded(name = "shared", value = 2)
		public CompletableFuture<String> call(CompletableFuture<String> result) {
			this.calls.incrementAndGet();
			return result;
		}

		@Bounded(name = "shared", value = 2)
		public CompletableFuture<String> other(CompletableFuture<String> result) {
			this.calls.incrementAndGet();
			return result;
		}

		int calls() {
			return this.calls.get();
		}

	}

	static class SharedSecond {

		private final AtomicInteger calls = new AtomicInteger();

		@Bounded(name = "shared", value = 2)
		public CompletableFuture<String> call(CompletableFuture<String> result) {
			this.calls.incrementAndGet();
			return result;
		}

		int calls() {
			return this.calls.get();
		}

	}

	static class Clashing {

		@Bounded(name = "shared", value = 3)
		public CompletableFuture<String> call(CompletableFuture<String> result) {
			return result;
		}

	}

	static class WaitClash {

		@Bounded(name = "waits", value = 1, maxWait = "1s")
		public void one() {
		}

		@Bounded(name = "waits", value = 1, maxWait = "2s")
		public void two() {
		}

	}

	static class Tuned {

		private final AtomicInteger calls = new AtomicInteger();

		@Bounded(name = "tuned", value = 2, maxWait = "1s")
		public CompletableFuture<String> call(CompletableFuture<String> result) {
			this.calls.incrementAndGet();
			return result;
		}

		int calls() {
			return this.calls.get();
		}

	}

	static class Unset {

		@Bounded
		public void call() {
		}

	}

	static class NegativeLimit {

		@Bounded(-1)
		public void call() {
		}

	}

	static class UnparsableWait {

		@Bounded(value = 1, maxWait = "soon")
		public void call() {
		}

	}

}
