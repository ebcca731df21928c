package dev.asyncutils.backend;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.bounded.BoundedRegistry;
import dev.asyncutils.core.AsyncUtilsConfigurationException;
import dev.asyncutils.throttle.ThrottleRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code backend} property without a backend module: {@code local} (the default)
 * works as before, {@code redis} stops the startup and says which module to add, and a
 * value that is neither is a binding error naming the property.
 */
class BackendConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class));

	@Test
	void localIsTheDefaultAndCanBeSetExplicitly() {
		this.runner.withBean(Guarded.class)
			.withPropertyValues("async-utils.throttle.defaults.backend=local",
					"async-utils.bounded.instances.slots.backend=local",
					"async-utils.bounded.instances.slots.redis.on-failure=fail-open")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ThrottleRegistry.class).get("permits").settings().backend())
					.isSameAs(BackendSettings.LOCAL);
				assertThat(context.getBean(ThrottleRegistry.class).get("permits").remote()).isNull();
				assertThat(context.getBean(BoundedRegistry.class).get("slots").settings().backend())
					.isSameAs(BackendSettings.LOCAL);
				assertThat(context.getBean(BoundedRegistry.class).get("slots").remote()).isNull();
			});
	}

	@Test
	void redisWithoutTheModuleNamesTheInstancePropertyAndTheModule() {
		AsyncUtilsConfigurationException ex = startupFailure("async-utils.throttle.instances.permits.backend=redis");
		assertThat(ex.getSetting()).isEqualTo("property 'async-utils.throttle.instances.permits.backend'");
		assertThat(ex.getValue()).isEqualTo("redis");
		assertThat(ex.getProblem()).contains("async-utils-redis");
		assertThat(ex.getMessage()).contains("bean 'guarded'", "Guarded.permit()",
				"async-utils.throttle.instances.permits.backend", "'redis'", "dev.asyncutils:async-utils-redis");
	}

	@Test
	void redisInTheDefaultsWithoutTheModuleNamesTheDefaultsProperty() {
		AsyncUtilsConfigurationException ex = startupFailure("async-utils.bounded.defaults.backend=redis");
		assertThat(ex.getSetting()).isEqualTo("property 'async-utils.bounded.defaults.backend'");
		assertThat(ex.getValue()).isEqualTo("redis");
		assertThat(ex.getMessage()).contains("async-utils-redis");
	}

	@Test
	void anUnknownBackendIsABindingErrorNamingTheProperty() {
		this.runner.withBean(Guarded.class)
			.withPropertyValues("async-utils.throttle.instances.permits.backend=memcached")
			.run((context) -> {
				assertThat(context).hasFailed();
				BindException bind = findCause(context.getStartupFailure(), BindException.class);
				assertThat(bind).isNotNull();
				assertThat(bind.getProperty().getName().toString())
					.isEqualTo("async-utils.throttle.instances.permits.backend");
				assertThat(bind.getProperty().getValue()).isEqualTo("memcached");
			});
	}

	@Test
	void anUnknownFailureModeIsABindingErrorNamingTheProperty() {
		this.runner.withBean(Guarded.class)
			.withPropertyValues("async-utils.bounded.defaults.redis.on-failure=retry")
			.run((context) -> {
				assertThat(context).hasFailed();
				BindException bind = findCause(context.getStartupFailure(), BindException.class);
				assertThat(bind).isNotNull();
				assertThat(bind.getProperty().getName().toString())
					.isEqualTo("async-utils.bounded.defaults.redis.on-failure");
			});
	}

	private AsyncUtilsConfigurationException startupFailure(String... properties) {
		Throwable[] failure = new Throwable[1];
		this.runner.withBean("guarded", Guarded.class).withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			failure[0] = context.getStartupFailure();
		});
		Throwable root = NestedExceptionUtils.getMostSpecificCause(failure[0]);
		assertThat(root).isInstanceOf(AsyncUtilsConfigurationException.class);
		return (AsyncUtilsConfigurationException) root;
	}

	private static <T extends Throwable> T findCause(Throwable failure, Class<T> type) {
		for (Throwable current = failure; current != null; current = current.getCause()) {
			if (type.isInstance(current)) {
				return type.cast(current);
			}
		}
		return null;
	}

	static class Guarded {

		@Throttle(name = "permits", rate = 10)
		public void permit() {
		}

		@Bounded(name = "slots", value = 2)
		public void slot() {
		}

	}

}
