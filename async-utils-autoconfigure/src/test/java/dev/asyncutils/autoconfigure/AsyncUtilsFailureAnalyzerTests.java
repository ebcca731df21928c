package dev.asyncutils.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.NestedExceptionUtils;

import dev.asyncutils.annotation.Retry;
import dev.asyncutils.core.AsyncUtilsConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * {@link AsyncUtilsFailureAnalyzer}: turns bad async-utils configuration into Spring
 * Boot's "APPLICATION FAILED TO START" report naming method, setting, value and problem.
 */
@ExtendWith(OutputCaptureExtension.class)
class AsyncUtilsFailureAnalyzerTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class));

	private Throwable startupFailure(String... properties) {
		Throwable[] failure = new Throwable[1];
		this.runner.withBean("badClient", BadClient.class).withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			failure[0] = context.getStartupFailure();
		});
		return failure[0];
	}

	@Test
	void describesTheBadAnnotationAttribute() {
		Throwable failure = startupFailure();
		FailureAnalysis analysis = new AsyncUtilsFailureAnalyzer().analyze(failure);
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("bean 'badClient'")
			.contains("Method:  BadClient.fetch(String)")
			.contains("Setting: @Retry(multiplier) = '0.5'")
			.contains("Problem: must be at least 1.0");
		assertThat(analysis.getAction()).contains("@Retry(multiplier)", "BadClient.fetch(String)");
		assertThat(analysis.getCause()).isSameAs(NestedExceptionUtils.getRootCause(failure))
			.isInstanceOf(AsyncUtilsConfigurationException.class);
	}

	@Test
	void describesTheBadProperty() {
		FailureAnalysis analysis = new AsyncUtilsFailureAnalyzer()
			.analyze(startupFailure("async-utils.retry.instances.client.multiplier=0.25"));
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).contains("Method:  BadClient.fetch(String)")
			.contains("Setting: property 'async-utils.retry.instances.client.multiplier' = '0.25'")
			.contains("Problem: must be at least 1.0");
	}

	@Test
	void ignoresOtherFailures() {
		assertThat(new AsyncUtilsFailureAnalyzer().analyze(new IllegalStateException("unrelated"))).isNull();
	}

	// Also proves the registration in META-INF/spring.factories.
	@Test
	void springApplicationReportsTheAnalysis(CapturedOutput output) {
		SpringApplication application = new SpringApplication(BadApplication.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		application.setDefaultProperties(Map.of("spring.main.banner-mode", "off"));
		assertThatException().isThrownBy(application::run);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("async-utils found bad configuration on bean 'badClient'")
			.contains("Method:  BadClient.fetch(String)")
			.contains("Setting: @Retry(multiplier) = '0.5'")
			.contains("Problem: must be at least 1.0")
			.contains("Correct @Retry(multiplier) on BadClient.fetch(String)");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(AsyncUtilsAutoConfiguration.class)
	static class BadApplication {

		@Bean
		BadClient badClient() {
			return new BadClient();
		}

	}

	static class BadClient {

		@Retry(name = "client", multiplier = 0.5)
		public String fetch(String id) {
			return id;
		}

	}

}
