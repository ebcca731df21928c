package dev.asyncutils.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.throttle.ThrottleRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A property written with nothing after it ({@code max-wait:} in YAML) means "not set",
 * exactly like leaving it out; unknown names and bad values still fail the startup.
 */
class EmptyPropertyValuesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class));

	@Test
	void blankOptionalValuesAreUnset() {
		this.runner.withUserConfiguration(Config.class)
			.withPropertyValues("async-utils.throttle.defaults.max-wait=", "async-utils.throttle.defaults.per= ",
					"async-utils.retry.defaults.max-delay=", "async-utils.retry.defaults.max-duration=",
					"async-utils.timeout.defaults.duration=", "async-utils.bounded.defaults.max-wait=",
					"async-utils.throttle.instances.payments.max-wait=",
					"async-utils.throttle.instances.payments.rate=5")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				AsyncUtilsProperties properties = context.getBean(AsyncUtilsProperties.class);
				assertThat(properties.getThrottle().getDefaults().getMaxWait()).isNull();
				assertThat(properties.getThrottle().getDefaults().getPer()).isNull();
				assertThat(properties.getRetry().getDefaults().getMaxDelay()).isNull();
				assertThat(properties.getRetry().getDefaults().getMaxDuration()).isNull();
				assertThat(properties.getTimeout().getDefaults().getDuration()).isNull();
				assertThat(properties.getBounded().getDefaults().getMaxWait()).isNull();
				// the built-in defaults apply, as if the lines were absent
				ThrottleRegistry throttles = context.getBean(ThrottleRegistry.class);
				assertThat(throttles.get("payments").settings().maxWait()).isNull();
				assertThat(throttles.get("payments").settings().per()).isEqualTo(Duration.ofSeconds(1));
				assertThat(throttles.get("Client.call").settings().per()).isEqualTo(Duration.ofSeconds(1));
			});
	}

	@Test
	void blankValueOfAnUnknownPropertyStillFails() {
		this.runner.withPropertyValues("async-utils.throttle.defaults.max-wiat=").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(UnboundConfigurationPropertiesException.class)
				.hasMessageContaining("async-utils.throttle.defaults.max-wiat");
		});
	}

	@Test
	void badValueStillFailsNamingTheProperty() {
		this.runner.withPropertyValues("async-utils.throttle.defaults.max-wait=soon").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure())
				.hasStackTraceContaining("Failed to bind properties under 'async-utils.throttle.defaults.max-wait'");
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Client client() {
			return new Client();
		}

		static class Client {

			@Throttle(rate = 10)
			public String call() {
				return "ok";
			}

		}

	}

}
