package dev.asyncutils.throttle;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.bounded.BoundedRegistry;
import dev.asyncutils.core.AsyncUtilsConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The properties of keys and several limits: {@code limits[i].{rate, per, burst}} and
 * {@code max-keys}, their defaults, and startup failures naming the property and value.
 */
@Timeout(60)
class ThrottleLimitsConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class));

	private AsyncUtilsConfigurationException startupFailure(String... properties) {
		Throwable[] failure = new Throwable[1];
		this.runner.withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			failure[0] = context.getStartupFailure();
		});
		Throwable root = NestedExceptionUtils.getMostSpecificCause(failure[0]);
		assertThat(root).isInstanceOf(AsyncUtilsConfigurationException.class);
		return (AsyncUtilsConfigurationException) root;
	}

	@Test
	void limitsAndMaxKeysAreBoundWithTheirDefaults() {
		this.runner
			.withPropertyValues("async-utils.throttle.instances.api.rate=10",
					"async-utils.throttle.instances.api.limits[0].rate=1000",
					"async-utils.throttle.instances.api.limits[0].per=1d",
					"async-utils.throttle.instances.api.limits[1].rate=100",
					"async-utils.throttle.instances.api.limits[1].per=1h",
					"async-utils.throttle.instances.api.limits[1].burst=20",
					"async-utils.throttle.instances.api.max-keys=500", "async-utils.throttle.instances.plain.rate=1",
					"async-utils.bounded.instances.reports.max-concurrent=2",
					"async-utils.bounded.instances.reports.max-keys=30")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ThrottleSettings api = context.getBean(ThrottleRegistry.class).get("api").settings();
				assertThat(api.limits()).containsExactly(new ThrottleSettings.Limit(1000, Duration.ofDays(1), 1000),
						new ThrottleSettings.Limit(100, Duration.ofHours(1), 20));
				assertThat(api.maxKeys()).isEqualTo(500);
				assertThat(api.allLimits()).hasSize(3)
					.first()
					.isEqualTo(new ThrottleSettings.Limit(10, Duration.ofSeconds(1), 10));
				ThrottleSettings plain = context.getBean(ThrottleRegistry.class).get("plain").settings();
				assertThat(plain.limits()).isEmpty();
				assertThat(plain.maxKeys()).isEqualTo(10_000);
				assertThat(context.getBean(BoundedRegistry.class).get("reports").settings().maxKeys()).isEqualTo(30);
			});
	}

	@Test
	void defaultsApplyToInstancesWithoutTheirOwn() {
		this.runner
			.withPropertyValues("async-utils.throttle.defaults.max-keys=7",
					"async-utils.throttle.defaults.limits[0].rate=5", "async-utils.throttle.defaults.limits[0].per=1m",
					"async-utils.throttle.instances.a.rate=1", "async-utils.throttle.instances.b.rate=1",
					"async-utils.throttle.instances.b.limits[0].rate=2", "async-utils.bounded.defaults.max-keys=3",
					"async-utils.bounded.instances.r.max-concurrent=1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ThrottleRegistry registry = context.getBean(ThrottleRegistry.class);
				assertThat(registry.get("a").settings().maxKeys()).isEqualTo(7);
				assertThat(registry.get("a").settings().limits())
					.containsExactly(new ThrottleSettings.Limit(5, Duration.ofMinutes(1), 5));
				assertThat(registry.get("b").settings().limits())
					.containsExactly(new ThrottleSettings.Limit(2, Duration.ofSeconds(1), 2));
				assertThat(context.getBean(BoundedRegistry.class).get("r").settings().maxKeys()).isEqualTo(3);
			});
	}

	@Test
	void badLimitFailsStartupNamingTheProperty() {
		AsyncUtilsConfigurationException ex = startupFailure("async-utils.throttle.instances.api.rate=10",
				"async-utils.throttle.instances.api.limits[0].rate=5",
				"async-utils.throttle.instances.api.limits[1].rate=-1");
		assertThat(ex.getSetting()).isEqualTo("property 'async-utils.throttle.instances.api.limits[1].rate'");
		assertThat(ex.getValue()).isEqualTo("-1.0");
		assertThat(ex.getProblem()).isEqualTo("must be greater than 0");
		ex = startupFailure("async-utils.throttle.instances.api.rate=10",
				"async-utils.throttle.instances.api.limits[0].per=1m");
		assertThat(ex.getSetting()).isEqualTo("property 'async-utils.throttle.instances.api.limits[0].rate'");
		assertThat(ex.getProblem()).contains("is required");
		ex = startupFailure("async-utils.throttle.instances.api.rate=10",
				"async-utils.throttle.instances.api.limits[0].rate=1",
				"async-utils.throttle.instances.api.limits[0].burst=0");
		assertThat(ex.getSetting()).isEqualTo("property 'async-utils.throttle.instances.api.limits[0].burst'");
		assertThat(ex.getProblem()).isEqualTo("must be at least 1");
		ex = startupFailure("async-utils.throttle.instances.api.rate=10",
				"async-utils.throttle.instances.api.limits[0].rate=1",
				"async-utils.throttle.instances.api.limits[0].per=0s");
		assertThat(ex.getSetting()).isEqualTo("property 'async-utils.throttle.instances.api.limits[0].per'");
	}

	@Test
	void badMaxKeysFailsStartupNamingTheProperty() {
		AsyncUtilsConfigurationException ex = startupFailure("async-utils.throttle.instances.api.rate=10",
				"async-utils.throttle.instances.api.max-keys=0");
		assertThat(ex.getSetting()).isEqualTo("property 'async-utils.throttle.instances.api.max-keys'");
		assertThat(ex.getValue()).isEqualTo("0");
		assertThat(ex.getProblem()).isEqualTo("must be at least 1");
		ex = startupFailure("async-utils.bounded.instances.r.max-concurrent=1",
				"async-utils.bounded.defaults.max-keys=-5");
		assertThat(ex.getSetting()).isEqualTo("property 'async-utils.bounded.defaults.max-keys'");
		assertThat(ex.getValue()).isEqualTo("-5");
	}

	@Test
	void allLimitsListTheInstancesOwnFirst() {
		ThrottleSettings settings = new ThrottleSettings("x", 2, Duration.ofSeconds(1), 4, null,
				dev.asyncutils.backend.BackendSettings.LOCAL,
				List.of(new ThrottleSettings.Limit(1, Duration.ofMinutes(1), 1)), 10);
		assertThat(settings.allLimits()).containsExactly(new ThrottleSettings.Limit(2, Duration.ofSeconds(1), 4),
				new ThrottleSettings.Limit(1, Duration.ofMinutes(1), 1));
	}

}
