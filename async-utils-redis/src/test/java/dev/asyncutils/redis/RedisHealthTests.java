package dev.asyncutils.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.autoconfigure.AsyncUtilsHealthAutoConfiguration;
import dev.asyncutils.bounded.BoundedRegistry;
import dev.asyncutils.event.BackendHealthChangedEvent;
import dev.asyncutils.throttle.ThrottleRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The health contributor {@code asyncutils} against a real redis-server that is killed
 * and restarted: one entry per Redis-backed instance name, {@code DOWN} only while a
 * {@code fail-closed} instance is unhealthy, {@code UP} with the degraded instances
 * otherwise; and a {@link BackendHealthChangedEvent} at each change.
 */
@Timeout(90)
class RedisHealthTests extends RedisTestSupport {

	private static final Class<?>[] BEANS = { Guarded.class, HealthConfig.class };

	private static final String[] INSTANCES = { "async-utils.throttle.instances.closed.backend=redis",
			"async-utils.throttle.instances.closed.rate=1000", "async-utils.throttle.instances.closed.max-wait=0",
			"async-utils.throttle.instances.closed.redis.timeout=200ms",
			"async-utils.bounded.instances.open.backend=redis", "async-utils.bounded.instances.open.max-concurrent=5",
			"async-utils.bounded.instances.open.redis.on-failure=fail-open",
			"async-utils.bounded.instances.open.redis.timeout=200ms",
			"async-utils.throttle.instances.local.backend=redis", "async-utils.throttle.instances.local.rate=1000",
			"async-utils.throttle.instances.local.redis.on-failure=local",
			"async-utils.throttle.instances.local.redis.timeout=200ms" };

	@Test
	void downOnlyWhileAFailClosedInstanceIsUnhealthy() {
		ConfigurableApplicationContext context = start(new Probe(), BEANS,
				with(INSTANCES, "async-utils.throttle.instances.closed.redis.on-failure=fail-closed"));
		HealthIndicator indicator = context.getBean(HealthContributorRegistry.class)
			.getContributor("asyncutils") instanceof HealthIndicator found ? found : null;
		assertThat(indicator).isNotNull();
		Guarded guarded = context.getBean(Guarded.class);
		Events events = context.getBean(Events.class);
		callAll(guarded);

		Health up = indicator.health();
		assertThat(up.getStatus()).isEqualTo(Status.UP);
		assertThat(up.getDetails()).containsOnlyKeys("closed", "open", "local");
		assertThat(up.getDetails().get("closed")).isEqualTo(Map.of("throttle",
				Map.of("status", "UP", "backend", "redis", "healthy", true, "onFailure", "fail-closed")));
		assertThat(up.getDetails().get("open")).isEqualTo(Map.of("bounded",
				Map.of("status", "UP", "backend", "redis", "healthy", true, "onFailure", "fail-open")));
		assertThat(events.received).isEmpty();

		server.kill();
		try {
			awaitWhileCalling(guarded,
					() -> !healthy(context, "closed") && !healthy(context, "open") && !healthy(context, "local"));
			Health down = indicator.health();
			assertThat(down.getStatus()).isEqualTo(Status.DOWN);
			assertThat(down.getDetails()).containsEntry("degraded", java.util.Set.of("local", "open"));
			assertThat(down.getDetails().get("closed")).isEqualTo(Map.of("throttle",
					Map.of("status", "DOWN", "backend", "redis", "healthy", false, "onFailure", "fail-closed")));
			assertThat(down.getDetails().get("local")).isEqualTo(Map.of("throttle",
					Map.of("status", "DEGRADED", "backend", "redis", "healthy", false, "onFailure", "local")));
			assertThat(events.received).extracting((event) -> event.kind() + " " + event.name() + " " + event.healthy())
				.containsExactlyInAnyOrder("throttle closed false", "bounded open false", "throttle local false");
			assertThat(events.received).allSatisfy((event) -> assertThat(event.backend()).isEqualTo("redis"));
		}
		finally {
			server.restart();
		}
		events.received.clear();
		awaitWhileCalling(guarded,
				() -> healthy(context, "closed") && healthy(context, "open") && healthy(context, "local"));
		Health again = indicator.health();
		assertThat(again.getStatus()).isEqualTo(Status.UP);
		assertThat(again.getDetails()).doesNotContainKey("degraded");
		assertThat(events.received).extracting((event) -> event.name() + " " + event.healthy())
			.containsExactlyInAnyOrder("closed true", "open true", "local true");
	}

	@Test
	void upWithTheDegradedInstancesWhenNoneIsFailClosed() {
		ConfigurableApplicationContext context = start(new Probe(), BEANS,
				with(INSTANCES, "async-utils.throttle.instances.closed.redis.on-failure=fail-open"));
		HealthIndicator indicator = context.getBean("asyncutilsHealthIndicator", HealthIndicator.class);
		Guarded guarded = context.getBean(Guarded.class);
		callAll(guarded);
		server.kill();
		try {
			awaitWhileCalling(guarded,
					() -> !healthy(context, "closed") && !healthy(context, "open") && !healthy(context, "local"));
			Health degraded = indicator.health();
			assertThat(degraded.getStatus()).isEqualTo(Status.UP);
			assertThat(degraded.getDetails()).containsEntry("degraded", java.util.Set.of("closed", "local", "open"));
		}
		finally {
			server.restart();
		}
	}

	@Test
	void canBeSwitchedOff() {
		ConfigurableApplicationContext context = start(new Probe(), BEANS,
				with(INSTANCES, "management.health.asyncutils.enabled=false"));
		assertThat(context.getBeansOfType(HealthIndicator.class)).isEmpty();
		assertThat(context.getBean(HealthContributorRegistry.class).getContributor("asyncutils")).isNull();
	}

	private static boolean healthy(ConfigurableApplicationContext context, String name) {
		if (name.equals("open")) {
			return context.getBean(BoundedRegistry.class).get(name).remote().healthy();
		}
		return context.getBean(ThrottleRegistry.class).get(name).remote().healthy();
	}

	private static void awaitWhileCalling(Guarded guarded, BooleanSupplier condition) {
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as("condition reached within 30s").isLessThan(deadline);
			callAll(guarded);
			sleep(50);
		}
	}

	private static void callAll(Guarded guarded) {
		for (Runnable call : List.<Runnable>of(guarded::closed, guarded::open, guarded::local)) {
			try {
				call.run();
			}
			catch (RuntimeException ex) {
				// rejected while Redis is down (fail-closed)
			}
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static String[] with(String[] properties, String more) {
		String[] all = java.util.Arrays.copyOf(properties, properties.length + 1);
		all[properties.length] = more;
		return all;
	}

	static class Guarded {

		@Throttle(name = "closed")
		public void closed() {
		}

		@Bounded(name = "open")
		public void open() {
		}

		@Throttle(name = "local")
		public void local() {
		}

		@Throttle(name = "plain", rate = 10)
		public void plain() {
		}

	}

	static class Events {

		final List<BackendHealthChangedEvent> received = new CopyOnWriteArrayList<>();

		@EventListener
		void on(BackendHealthChangedEvent event) {
			this.received.add(event);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ AsyncUtilsHealthAutoConfiguration.class,
			HealthContributorRegistryAutoConfiguration.class })
	static class HealthConfig {

		@Bean
		Events events() {
			return new Events();
		}

	}

}
