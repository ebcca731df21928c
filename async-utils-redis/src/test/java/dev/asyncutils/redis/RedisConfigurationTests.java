package dev.asyncutils.redis;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.NestedExceptionUtils;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.autoconfigure.AsyncUtilsEndpoint;
import dev.asyncutils.batch.BatchProcessor;
import dev.asyncutils.bounded.BoundedRegistry;
import dev.asyncutils.circuitbreaker.CircuitBreakerRegistry;
import dev.asyncutils.core.AsyncUtilsConfigurationException;
import dev.asyncutils.debounce.DebounceFeature;
import dev.asyncutils.fallback.FallbackFeature;
import dev.asyncutils.retry.RetryFeature;
import dev.asyncutils.throttle.ThrottleRegistry;
import dev.asyncutils.throttle.TokenBucket;
import dev.asyncutils.timeout.TimeoutFeature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * How instances get their backend settings with the redis module present: precedence,
 * startup failures for bad values, what the actuator endpoint shows, and an application
 * that starts while Redis is down.
 */
@Timeout(60)
class RedisConfigurationTests extends RedisTestSupport {

	private static final Class<?>[] BEANS = { Guarded.class };

	private AsyncUtilsConfigurationException startupFailure(String... properties) {
		Throwable failure = catchThrowable(() -> start(new Probe(), BEANS, properties));
		assertThat(failure).isNotNull();
		Throwable root = NestedExceptionUtils.getMostSpecificCause(failure);
		assertThat(root).isInstanceOf(AsyncUtilsConfigurationException.class);
		return (AsyncUtilsConfigurationException) root;
	}

	@Test
	void aTimeoutOfZeroStopsTheStartup() {
		AsyncUtilsConfigurationException ex = startupFailure("async-utils.throttle.defaults.backend=redis",
				"async-utils.throttle.instances.t.redis.timeout=0");
		assertThat(ex.getSetting()).isEqualTo("property 'async-utils.throttle.instances.t.redis.timeout'");
		assertThat(ex.getProblem()).isEqualTo("must be positive");
		assertThat(ex.getMessage()).contains("Guarded.throttled()", "async-utils.throttle.instances.t.redis.timeout");
	}

	@Test
	void aLeaseTimeShorterThanThreeTimeoutsStopsTheStartup() {
		AsyncUtilsConfigurationException ex = startupFailure("async-utils.bounded.instances.b.backend=redis",
				"async-utils.bounded.defaults.redis.lease-time=500ms",
				"async-utils.bounded.instances.b.redis.timeout=250ms");
		assertThat(ex.getSetting()).isEqualTo("property 'async-utils.bounded.defaults.redis.lease-time'");
		assertThat(ex.getValue()).isEqualTo("500ms");
		assertThat(ex.getProblem()).contains("at least 3 times redis.timeout (250ms)");
	}

	@Test
	void instancePropertiesOverrideTheDefaultsAndTheEndpointShowsBackendAndHealth() {
		ConfigurableApplicationContext context = start(new Probe(), BEANS,
				props("async-utils.throttle.defaults.backend=redis",
						"async-utils.throttle.defaults.redis.on-failure=fail-open",
						"async-utils.throttle.instances.t.redis.on-failure=fail-closed",
						"async-utils.throttle.instances.t.redis.key-prefix=app:",
						"async-utils.bounded.instances.b.backend=redis",
						"async-utils.bounded.instances.b.redis.lease-time=3s"));
		TokenBucket bucket = context.getBean(ThrottleRegistry.class).get("t");
		assertThat(bucket.settings().backend().onFailure().toString()).isEqualTo("fail-closed");
		assertThat(bucket.settings().backend().keyPrefix()).isEqualTo("app:");
		context.getBean(Guarded.class).throttled();
		context.getBean(Guarded.class).bounded();
		AsyncUtilsEndpoint endpoint = new AsyncUtilsEndpoint(context.getBeanProvider(ThrottleRegistry.class),
				context.getBeanProvider(BoundedRegistry.class), context.getBeanProvider(RetryFeature.class),
				context.getBeanProvider(TimeoutFeature.class), context.getBeanProvider(FallbackFeature.class),
				context.getBeanProvider(BatchProcessor.class), context.getBeanProvider(DebounceFeature.class),
				context.getBeanProvider(CircuitBreakerRegistry.class));
		Map<String, Object> throttle = section(endpoint.instance("t"), "throttle");
		assertThat(throttle).containsEntry("backend", "redis");
		assertThat(section(throttle, "redis")).containsEntry("healthy", true)
			.containsEntry("failures", 0L)
			.containsEntry("onFailure", "fail-closed")
			.containsEntry("keyPrefix", "app:")
			.containsEntry("timeout", "250ms")
			.containsEntry("key", "app:throttle:t")
			.doesNotContainKey("leaseTime");
		Map<String, Object> bounded = section(endpoint.instance("b"), "bounded");
		assertThat(bounded).containsEntry("backend", "redis");
		assertThat(section(bounded, "redis")).containsEntry("healthy", true)
			.containsEntry("onFailure", "local")
			.containsEntry("leaseTime", "3s")
			.containsEntry("key", "async-utils:bounded:b")
			.containsEntry("heldHere", 0);
		assertThat(redis().exists("app:throttle:t")).isOne();
	}

	@Test
	void aLocalInstanceNextToRedisOnesStaysLocal() {
		ConfigurableApplicationContext context = start(new Probe(), BEANS,
				props("async-utils.throttle.instances.t.backend=redis"));
		assertThat(context.getBean(ThrottleRegistry.class).get("t").remote()).isNotNull();
		assertThat(context.getBean(BoundedRegistry.class).get("b").remote()).isNull();
		context.getBean(Guarded.class).bounded();
		// only the redis instance's member entry (the process counts among its users)
		assertThat(redis().keys("*")).containsExactly("async-utils:members:throttle:t");
	}

	@Test
	void anApplicationStartsWhileRedisIsDownAndUsesItOnceItIsUp() throws Exception {
		server.kill();
		try {
			ConfigurableApplicationContext context = start(new Probe(), BEANS,
					props("async-utils.throttle.instances.t.backend=redis",
							"async-utils.throttle.instances.t.redis.on-failure=fail-open",
							"spring.data.redis.connect-timeout=200ms"));
			TokenBucket bucket = context.getBean(ThrottleRegistry.class).get("t");
			context.getBean(Guarded.class).throttled();
			assertThat(bucket.remote().healthy()).isFalse();
			server.restart();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
			while (redis().exists("async-utils:throttle:t") == 0) {
				assertThat(System.nanoTime()).isLessThan(deadline);
				context.getBean(Guarded.class).throttled();
				Thread.sleep(50);
			}
			assertThat(bucket.remote().healthy()).isTrue();
		}
		finally {
			if (!server.ping()) {
				server.restart();
			}
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> section(Map<String, Object> map, String key) {
		assertThat(map).containsKey(key);
		return (Map<String, Object>) map.get(key);
	}

	static class Guarded {

		@Throttle(name = "t", rate = 100)
		public void throttled() {
		}

		@Bounded(name = "b", value = 2)
		public void bounded() {
		}

	}

}
