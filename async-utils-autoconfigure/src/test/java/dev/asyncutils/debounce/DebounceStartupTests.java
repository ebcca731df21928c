package dev.asyncutils.debounce;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

import dev.asyncutils.annotation.Debounce;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.core.AsyncUtilsConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad {@code @Debounce} input stops the application at startup, naming the bean, the
 * method, the attribute or property, and the value.
 */
class DebounceStartupTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class));

	private AsyncUtilsConfigurationException startupFailure(Class<?> beanClass, String... properties) {
		Throwable[] failure = new Throwable[1];
		this.runner.withBean("bad", beanClass).withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			failure[0] = context.getStartupFailure();
		});
		Throwable root = NestedExceptionUtils.getRootCause(failure[0]);
		assertThat(root).isInstanceOf(AsyncUtilsConfigurationException.class);
		return (AsyncUtilsConfigurationException) root;
	}

	@Test
	void aReturnTypeOtherThanVoidStageOrMonoFailsTheStartup() {
		AsyncUtilsConfigurationException ex = startupFailure(ReturnsString.class);
		assertThat(ex.getBeanName()).isEqualTo("bad");
		assertThat(ex.getMethod()).isEqualTo("ReturnsString.call(String)");
		assertThat(ex.getSetting()).isEqualTo("@Debounce");
		assertThat(ex.getValue()).isEqualTo("java.lang.String");
		assertThat(ex.getProblem()).contains("void", "CompletionStage", "Mono");
		assertThat(startupFailure(ReturnsFlux.class).getValue()).startsWith("reactor.core.publisher.Flux");
	}

	@Test
	void aMissingQuietPeriodFailsTheStartupWithTheProperties() {
		AsyncUtilsConfigurationException ex = startupFailure(NoDelay.class);
		assertThat(ex.getSetting()).isEqualTo("@Debounce(value)");
		assertThat(ex.getProblem()).contains("async-utils.debounce.instances.[NoDelay.call].delay",
				"async-utils.debounce.defaults.delay");
	}

	@Test
	void aBadKeyExpressionFailsTheStartup() {
		AsyncUtilsConfigurationException ex = startupFailure(BadKey.class);
		assertThat(ex.getBeanName()).isEqualTo("bad");
		assertThat(ex.getMethod()).isEqualTo("BadKey.call(String)");
		assertThat(ex.getSetting()).isEqualTo("@Debounce(key)");
		assertThat(ex.getValue()).isEqualTo("#nope.length(");
	}

	@Test
	void badDurationsFailTheStartup() {
		AsyncUtilsConfigurationException negative = startupFailure(NoDelay.class,
				"async-utils.debounce.defaults.delay=-1s");
		assertThat(negative.getSetting()).isEqualTo("property 'async-utils.debounce.defaults.delay'");
		assertThat(negative.getProblem()).isEqualTo("must be positive");
		AsyncUtilsConfigurationException shortMaxWait = startupFailure(ShortMaxWait.class);
		assertThat(shortMaxWait.getSetting()).isEqualTo("@Debounce(maxWait)");
		assertThat(shortMaxWait.getValue()).isEqualTo("1s");
		assertThat(shortMaxWait.getProblem()).contains("must not be less than the quiet period (2s");
	}

	static class ReturnsString {

		@Debounce("1s")
		public String call(String value) {
			return value;
		}

	}

	static class ReturnsFlux {

		@Debounce("1s")
		public Flux<String> call(String value) {
			return Flux.just(value);
		}

	}

	static class NoDelay {

		@Debounce
		public void call() {
		}

	}

	static class BadKey {

		@Debounce(value = "1s", key = "#nope.length(")
		public void call(String value) {
		}

	}

	static class ShortMaxWait {

		@Debounce(value = "2s", maxWait = "1s")
		public void call() {
		}

	}

}
