package dev.asyncutils.bounded;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.autoconfigure.AsyncUtilsEndpoint;
import dev.asyncutils.autoconfigure.AsyncUtilsEndpointAutoConfiguration;
import dev.asyncutils.core.AsyncUtilsConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @Bounded(key)} in a real context: a limit per key value with the instance's
 * settings, the {@code null} key on the unkeyed limit, a line per key, {@code max-keys},
 * idle keys forgotten within seconds, waiters of every key ended at shutdown, and a bad
 * expression failing the startup.
 */
@Timeout(60)
class BoundedKeysTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withBean(Tenants.class)
		.withPropertyValues("async-utils.bounded.instances.tenants.max-concurrent=1",
				"async-utils.bounded.instances.tenants.max-wait=0",
				"async-utils.bounded.instances.lines.max-concurrent=1");

	@Test
	void eachKeyHasItsOwnLimitAndNullUsesTheUnkeyedOne() {
		this.runner.run((context) -> {
			Tenants tenants = context.getBean(Tenants.class);
			BoundedLimiter unkeyed = context.getBean(BoundedRegistry.class).get("tenants");
			CompletableFuture<String> acme = new CompletableFuture<>();
			CompletableFuture<String> held = tenants.stage("acme", acme);
			assertThat(failure(tenants.stage("acme", new CompletableFuture<>())))
				.isInstanceOfSatisfying(BoundedRejectedException.class, (ex) -> {
					assertThat(ex.name()).isEqualTo("tenants");
					assertThat(ex.limit()).isEqualTo(1);
				});
			CompletableFuture<String> globex = new CompletableFuture<>();
			tenants.stage("globex", globex);
			CompletableFuture<String> none = new CompletableFuture<>();
			tenants.stage(null, none);
			assertThat(unkeyed.active()).isEqualTo(1);
			assertThat(unkeyed.forKey("acme").active()).isEqualTo(1);
			assertThat(unkeyed.forKey("globex").active()).isEqualTo(1);
			assertThat(unkeyed.forKey("initech").active()).isZero();
			assertThat(unkeyed.forKey(null)).isSameAs(unkeyed);
			assertThat(unkeyed.keysHeld()).isEqualTo(3);
			assertThat(failure(tenants.stage(null, new CompletableFuture<>())))
				.isInstanceOf(BoundedRejectedException.class);
			// the slot is held until the returned stage completes
			acme.complete("done");
			assertThat(held.get(5, TimeUnit.SECONDS)).isEqualTo("done");
			assertThat(unkeyed.forKey("acme").active()).isZero();
			CompletableFuture<String> again = new CompletableFuture<>();
			tenants.stage("acme", again);
			assertThat(unkeyed.forKey("acme").active()).isEqualTo(1);
			// counters are the instance's
			assertThat(unkeyed.permittedCount()).isEqualTo(4);
			assertThat(unkeyed.rejectedCount()).isEqualTo(2);
			again.complete("x");
			globex.complete("x");
			none.complete("x");
		});
	}

	@Test
	void eachKeyHasItsOwnLineOfWaiters() {
		this.runner.run((context) -> {
			Tenants tenants = context.getBean(Tenants.class);
			BoundedLimiter lines = context.getBean(BoundedRegistry.class).get("lines");
			CountDownLatch release = new CountDownLatch(1);
			Thread holder = new Thread(() -> tenants.hold("acme", release));
			holder.start();
			Awaits.until("acme is held", () -> lines.forKey("acme").active() == 1);
			AtomicReference<String> waited = new AtomicReference<>();
			Thread waiter = new Thread(() -> waited.set(tenants.hold("acme", new CountDownLatch(0))));
			waiter.start();
			Awaits.until("a caller waits for acme", () -> lines.forKey("acme").waiting() == 1);
			// another key neither waits nor makes anyone wait
			assertThat(tenants.hold("globex", new CountDownLatch(0))).isEqualTo("globex");
			assertThat(lines.forKey("acme").waiting()).isEqualTo(1);
			release.countDown();
			waiter.join(10_000);
			holder.join(10_000);
			assertThat(waited.get()).isEqualTo("acme");
			assertThat(lines.forKey("acme").active()).isZero();
		});
	}

	@Test
	void aNewKeyBeyondMaxKeysIsRejectedUntilAKeyIsIdleAgainAndIdleKeysAreForgotten() {
		this.runner.withPropertyValues("async-utils.bounded.instances.tenants.max-keys=2").run((context) -> {
			Tenants tenants = context.getBean(Tenants.class);
			BoundedLimiter unkeyed = context.getBean(BoundedRegistry.class).get("tenants");
			CompletableFuture<String> acme = new CompletableFuture<>();
			CompletableFuture<String> globex = new CompletableFuture<>();
			tenants.stage("acme", acme);
			tenants.stage("globex", globex);
			assertThat(failure(tenants.stage("initech", new CompletableFuture<>())))
				.isInstanceOf(BoundedRejectedException.class)
				.hasMessageContaining("max-keys (2)");
			assertThatExceptionOfType(BoundedRejectedException.class).isThrownBy(() -> unkeyed.forKey("initech"));
			// the null key is the unkeyed limit, never refused for max-keys
			CompletableFuture<String> none = new CompletableFuture<>();
			tenants.stage(null, none);
			none.complete("x");
			acme.complete("x");
			globex.complete("x");
			// idle keys are forgotten within seconds: nobody holds or waits for them
			Awaits.until("idle keys are forgotten", () -> unkeyed.keysHeld() == 0,
					() -> "(" + unkeyed.keysHeld() + " held)");
			CompletableFuture<String> initech = new CompletableFuture<>();
			CompletableFuture<String> admitted = tenants.stage("initech", initech);
			initech.complete("ok");
			assertThat(admitted.get(5, TimeUnit.SECONDS)).isEqualTo("ok");
		});
	}

	@SuppressWarnings("unchecked")
	@Test
	void theEndpointShowsTheKeysHeld() {
		this.runner.withConfiguration(AutoConfigurations.of(AsyncUtilsEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=asyncutils",
					"async-utils.bounded.instances.tenants.max-keys=50")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				Tenants tenants = context.getBean(Tenants.class);
				CompletableFuture<String> acme = new CompletableFuture<>();
				tenants.stage("acme", acme);
				Map<String, Object> described = (Map<String, Object>) context.getBean(AsyncUtilsEndpoint.class)
					.instance("tenants")
					.get("bounded");
				assertThat(described).containsEntry("keys", 1);
				assertThat((Map<String, Object>) described.get("settings")).containsEntry("maxKeys", 50);
				acme.complete("x");
			});
	}

	@Test
	void waitersOfEveryKeyEndAtShutdown() {
		this.runner.withPropertyValues("async-utils.bounded.instances.tenants.max-wait=30s").run((context) -> {
			Tenants tenants = context.getBean(Tenants.class);
			BoundedLimiter unkeyed = context.getBean(BoundedRegistry.class).get("tenants");
			CompletableFuture<String> acme = new CompletableFuture<>();
			tenants.stage("acme", acme);
			CompletableFuture<String> waiting = tenants.stage("acme", new CompletableFuture<>());
			Awaits.until("a caller waits for acme", () -> unkeyed.forKey("acme").waiting() == 1);
			context.close();
			assertThat(failure(waiting)).isInstanceOf(RejectedExecutionException.class)
				.hasMessageContaining("shutting down");
		});
	}

	@Test
	void aKeyNamingNoParameterFailsTheStartup() {
		Throwable[] failure = new Throwable[1];
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
			.withBean("bad", BadKey.class)
			.run((context) -> {
				assertThat(context).hasFailed();
				failure[0] = context.getStartupFailure();
			});
		Throwable root = NestedExceptionUtils.getMostSpecificCause(failure[0]);
		assertThat(root).isInstanceOfSatisfying(AsyncUtilsConfigurationException.class, (ex) -> {
			assertThat(ex.getSetting()).isEqualTo("@Bounded(key)");
			assertThat(ex.getValue()).isEqualTo("#nobody");
			assertThat(ex.getMessage()).contains("'bad'").contains("call(String)");
		});
	}

	private static Throwable failure(CompletableFuture<?> future) throws InterruptedException {
		try {
			future.get(10, TimeUnit.SECONDS);
			throw new AssertionError("Expected a failure, got " + future);
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
		catch (java.util.concurrent.TimeoutException ex) {
			throw new AssertionError("No outcome within 10 s", ex);
		}
	}

	static class Tenants {

		@Bounded(name = "tenants", key = "#tenant")
		public CompletableFuture<String> stage(String tenant, CompletableFuture<String> result) {
			return result;
		}

		@Bounded(name = "lines", key = "#p0")
		public String hold(String tenant, CountDownLatch release) {
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return tenant;
		}

	}

	static class BadKey {

		@Bounded(value = 1, key = "#nobody")
		public void call(String tenant) {
		}

	}

}
