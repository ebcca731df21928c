package dev.asyncutils.throttle;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.autoconfigure.AsyncUtilsEndpoint;
import dev.asyncutils.autoconfigure.AsyncUtilsEndpointAutoConfiguration;
import dev.asyncutils.autoconfigure.AsyncUtilsMetricsAutoConfiguration;
import dev.asyncutils.core.AsyncUtilsConfigurationException;
import dev.asyncutils.throttle.ThrottleConfigurationTests.FakeClock;
import dev.asyncutils.throttle.ThrottleConfigurationTests.FakeClockConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @Throttle(key, permits)} and several limits in a real context, on a clock that
 * moves only when a test moves it: one bucket per key, the null key on the unkeyed
 * bucket, max-keys, weighted calls, limits per key, and startup failures.
 */
@Timeout(60)
class ThrottleKeysTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(FakeClockConfig.class)
		.withBean(Tenants.class);

	private void run(String[] properties, ContextTest test) {
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasNotFailed();
			test.run(context);
		});
	}

	private static String[] props(String... properties) {
		return properties;
	}

	@Test
	void eachKeyHasItsOwnBucketAndNullUsesTheUnkeyedOne() {
		run(props(), (context) -> {
			Tenants tenants = context.getBean(Tenants.class);
			ThrottleRegistry registry = context.getBean(ThrottleRegistry.class);
			assertThat(tenants.call("acme")).isEqualTo("acme");
			assertThat(tenants.call("acme")).isEqualTo("acme");
			assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(() -> tenants.call("acme"))
				.satisfies((ex) -> assertThat(ex.name()).isEqualTo("tenants"));
			assertThat(tenants.call("globex")).isEqualTo("globex");
			assertThat(tenants.call("globex")).isEqualTo("globex");
			TokenBucket unkeyed = registry.get("tenants");
			assertThat(unkeyed.availablePermits()).isEqualTo(2);
			assertThat(tenants.call(null)).isNull();
			assertThat(unkeyed.availablePermits()).isEqualTo(1);
			assertThat(unkeyed.forKey("acme").availablePermits()).isZero();
			assertThat(unkeyed.forKey("globex").availablePermits()).isZero();
			assertThat(unkeyed.forKey("initech").availablePermits()).isEqualTo(2);
			assertThat(unkeyed.forKey(null)).isSameAs(unkeyed);
			assertThat(unkeyed.keysHeld()).isEqualTo(3);
			// counters (and so meters) are the instance's: tag name only
			assertThat(unkeyed.permittedCount()).isEqualTo(5);
			assertThat(unkeyed.rejectedCount()).isEqualTo(1);
			assertThat(tenants.invocations()).isEqualTo(5);
			context.getBean(FakeClock.class).advance(Duration.ofMinutes(30));
			assertThat(tenants.call("acme")).isEqualTo("acme");
		});
	}

	@Test
	void aNewKeyBeyondMaxKeysIsRejectedUntilABucketIsFullAgain() {
		run(props("async-utils.throttle.instances.tenants.max-keys=2"), (context) -> {
			Tenants tenants = context.getBean(Tenants.class);
			tenants.call("a");
			tenants.call("b");
			assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(() -> tenants.call("c"))
				.satisfies((ex) -> assertThat(ex.getMessage()).contains("max-keys (2)"));
			// known keys still go to their buckets, the unkeyed bucket is not a key
			tenants.call("a");
			tenants.call(null);
			assertThat(tenants.invocations()).isEqualTo(4);
			// full again after 30 min (one permit per 30 min), forgotten about a second
			// later
			context.getBean(FakeClock.class).advance(Duration.ofMinutes(30).plusSeconds(3));
			assertThat(tenants.call("c")).isEqualTo("c");
			assertThat(context.getBean(ThrottleRegistry.class).get("tenants").keysHeld()).isLessThanOrEqualTo(2);
		});
	}

	@Test
	void aCallTakesAsManyPermitsAsItsExpressionSays() {
		run(props(), (context) -> {
			Tenants tenants = context.getBean(Tenants.class);
			TokenBucket bucket = context.getBean(ThrottleRegistry.class).get("batch");
			tenants.send(List.of("a", "b", "c", "d"));
			assertThat(bucket.availablePermits()).isEqualTo(6);
			tenants.send(List.of("a", "b", "c", "d", "e", "f"));
			assertThat(bucket.availablePermits()).isZero();
			assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(() -> tenants.send(List.of("x")));
			// no permit needed: starts at once
			tenants.send(List.of());
			assertThat(tenants.invocations()).isEqualTo(3);
			context.getBean(FakeClock.class).advance(Duration.ofHours(1));
			assertThatExceptionOfType(IllegalArgumentException.class)
				.isThrownBy(() -> tenants.send(List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11")))
				.withMessageContaining("needs 11 permits")
				.withMessageContaining("burst (10)");
			assertThat(bucket.availablePermits()).isEqualTo(10);
			tenants.five();
			assertThat(bucket.availablePermits()).isEqualTo(5);
		});
	}

	@Test
	void asynchronousCallsFailTheirStageInsteadOfThrowing() throws Exception {
		run(props(), (context) -> {
			Tenants tenants = context.getBean(Tenants.class);
			assertThat(tenants.stage("acme", 3).get(10, TimeUnit.SECONDS)).isEqualTo("acme");
			CompletableFuture<String> rejected = tenants.stage("acme", 1);
			assertThat(rejected).isCompletedExceptionally();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> rejected.get(10, TimeUnit.SECONDS))
				.withCauseInstanceOf(ThrottleRejectedException.class);
			CompletableFuture<String> tooMany = tenants.stage("globex", 4);
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> tooMany.get(10, TimeUnit.SECONDS))
				.withCauseInstanceOf(IllegalArgumentException.class);
			assertThat(tenants.stage("globex", 3).get(10, TimeUnit.SECONDS)).isEqualTo("globex");
		});
	}

	@Test
	void severalLimitsApplyPerKey() {
		run(props("async-utils.throttle.instances.api.limits[0].rate=3",
				"async-utils.throttle.instances.api.limits[0].per=1d"), (context) -> {
					Tenants tenants = context.getBean(Tenants.class);
					FakeClock clock = context.getBean(FakeClock.class);
					for (int i = 0; i < 3; i++) {
						tenants.api("acme");
						clock.advance(Duration.ofSeconds(1));
					}
					// 10 a second would allow it, 3 a day does not
					assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(() -> tenants.api("acme"))
						.satisfies((ex) -> assertThat(ex.retryAfter()).isGreaterThan(Duration.ofHours(7)));
					tenants.api("globex");
					clock.advance(Duration.ofHours(8));
					tenants.api("acme");
				});
	}

	@Test
	void badExpressionsFailTheStartupNamingBeanMethodAttributeAndValue() {
		AsyncUtilsConfigurationException ex = startupFailure(BadKey.class);
		assertThat(ex.getBeanName()).isEqualTo("bad");
		assertThat(ex.getMethod()).isEqualTo("BadKey.call(String)");
		assertThat(ex.getSetting()).isEqualTo("@Throttle(key)");
		assertThat(ex.getValue()).isEqualTo("#tenantId");
		assertThat(ex.getProblem()).contains("'#tenantId' is not a parameter; use #tenant or #p0");
		ex = startupFailure(TooManyPermits.class);
		assertThat(ex.getSetting()).isEqualTo("@Throttle(permits)");
		assertThat(ex.getValue()).isEqualTo("20");
		assertThat(ex.getProblem()).contains("more than the burst (10)");
		ex = startupFailure(BadPermits.class);
		assertThat(ex.getSetting()).isEqualTo("@Throttle(permits)");
		assertThat(ex.getProblem()).contains("not a valid SpEL expression");
	}

	@SuppressWarnings("unchecked")
	@Test
	void theEndpointShowsTheKeysHeldAndMetersKeepTheTagNameOnly() {
		this.runner
			.withConfiguration(AutoConfigurations.of(AsyncUtilsMetricsAutoConfiguration.class,
					AsyncUtilsEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=asyncutils",
					"async-utils.throttle.instances.tenants.max-keys=50")
			.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Tenants tenants = context.getBean(Tenants.class);
				tenants.call("acme");
				tenants.call("globex");
				tenants.call(null);
				Map<String, Object> described = (Map<String, Object>) context.getBean(AsyncUtilsEndpoint.class)
					.instance("tenants")
					.get("throttle");
				assertThat(described).containsEntry("keys", 2);
				assertThat((Map<String, Object>) described.get("settings")).containsEntry("maxKeys", 50);
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("asyncutils.throttle.calls")
					.tag("name", "tenants")
					.tag("result", "permitted")
					.functionCounter()
					.count()).isEqualTo(3.0);
				assertThat(meters.find("asyncutils.throttle.calls").meters())
					.allSatisfy((meter) -> assertThat(meter.getId().getTags()).extracting(Tag::getKey)
						.containsOnly("name", "result"));
			});
	}

	private AsyncUtilsConfigurationException startupFailure(Class<?> bean) {
		Throwable[] failure = new Throwable[1];
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
			.withBean("bad", bean)
			.run((context) -> {
				assertThat(context).hasFailed();
				failure[0] = context.getStartupFailure();
			});
		Throwable root = NestedExceptionUtils.getMostSpecificCause(failure[0]);
		assertThat(root).isInstanceOf(AsyncUtilsConfigurationException.class);
		return (AsyncUtilsConfigurationException) root;
	}

	@FunctionalInterface
	interface ContextTest {

		void run(AssertableApplicationContext context) throws Exception;

	}

	static class Tenants {

		private final AtomicInteger invocations = new AtomicInteger();

		int invocations() {
			return this.invocations.get();
		}

		@Throttle(name = "tenants", rate = 2, per = "1h", maxWait = "0", key = "#tenant")
		public String call(String tenant) {
			this.invocations.incrementAndGet();
			return tenant;
		}

		@Throttle(name = "batch", rate = 10, per = "1h", maxWait = "0", permits = "#items.size()")
		public void send(List<String> items) {
			this.invocations.incrementAndGet();
		}

		@Throttle(name = "batch", rate = 10, per = "1h", maxWait = "0", permits = "5")
		public void five() {
			this.invocations.incrementAndGet();
		}

		@Throttle(name = "stages", rate = 3, per = "1h", maxWait = "0", key = "#p0", permits = "#p1")
		public CompletableFuture<String> stage(String tenant, int permits) {
			return CompletableFuture.completedFuture(tenant);
		}

		@Throttle(name = "api", rate = 10, maxWait = "0", key = "#tenant")
		public void api(String tenant) {
		}

	}

	static class BadKey {

		@Throttle(rate = 1, key = "#tenantId")
		public void call(String tenant) {
		}

	}

	static class TooManyPermits {

		@Throttle(rate = 10, permits = "20")
		public void call(String tenant) {
		}

	}

	static class BadPermits {

		@Throttle(rate = 10, permits = "#tenant.")
		public void call(String tenant) {
		}

	}

}
