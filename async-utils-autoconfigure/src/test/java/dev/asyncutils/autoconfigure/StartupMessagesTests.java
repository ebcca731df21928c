package dev.asyncutils.autoconfigure;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.CircuitBreaker;
import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.circuitbreaker.CircuitBreakerRegistry;
import dev.asyncutils.core.AsyncUtilsConfigurationException;
import dev.asyncutils.throttle.ThrottleRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The startup report gives advice that works: property names a user can paste (bracket
 * form for names with dots or capitals), no "(missing)" where nothing is missing, the
 * property hint only where a property could fix it, readable settings on a shared-name
 * conflict, and how to fix a fallback whose failure parameter is too narrow.
 */
class StartupMessagesTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class));

	private Throwable startupFailure(Class<?> beanClass, String... properties) {
		Throwable[] failure = new Throwable[1];
		this.runner.withBean("bad", beanClass).withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			failure[0] = context.getStartupFailure();
		});
		assertThat(NestedExceptionUtils.getRootCause(failure[0])).isInstanceOf(AsyncUtilsConfigurationException.class);
		return failure[0];
	}

	private static AsyncUtilsConfigurationException root(Throwable failure) {
		return (AsyncUtilsConfigurationException) NestedExceptionUtils.getRootCause(failure);
	}

	private static FailureAnalysis analyze(Throwable failure) {
		FailureAnalysis analysis = new AsyncUtilsFailureAnalyzer().analyze(failure);
		assertThat(analysis).isNotNull();
		return analysis;
	}

	@Test
	void aMissingRateOfADottedNameAdvisesTheBracketFormWhichThenWorks() {
		Throwable failure = startupFailure(DottedName.class);
		assertThat(root(failure).getProblem()).contains("'async-utils.throttle.instances.[Client.call].rate'")
			.doesNotContain("instances.Client.call.rate");
		FailureAnalysis analysis = analyze(failure);
		assertThat(analysis.getDescription()).contains("Setting: @Throttle(rate)\n").doesNotContain("(missing)");
		assertThat(analysis.getAction()).contains("async-utils.throttle.instances.[Client.call].rate");
		// the advice, followed to the letter, starts the application
		this.runner.withBean("good", DottedName.class)
			.withPropertyValues("async-utils.throttle.instances.[Client.call].rate=5")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(ThrottleRegistry.class).get("Client.call").settings().rate()).isEqualTo(5.0);
			});
	}

	@Test
	void aBadPropertyOfADottedNameIsNamedInBracketForm() {
		Throwable failure = startupFailure(DottedRetry.class, "async-utils.retry.instances.[Client.fetch].jitter=2");
		assertThat(root(failure).getSetting())
			.isEqualTo("property 'async-utils.retry.instances.[Client.fetch].jitter'");
	}

	@Test
	void aBadLimitOfADottedNameIsNamedInBracketForm() {
		Throwable failure = startupFailure(DottedLimits.class,
				"async-utils.throttle.instances.[Client.call].limits[0].per=1s");
		assertThat(root(failure).getSetting())
			.isEqualTo("property 'async-utils.throttle.instances.[Client.call].limits[0].rate'");
		assertThat(failure).hasStackTraceContaining("instances.[Client.call].limits[0].rate")
			.satisfies((ex) -> assertThat(NestedExceptionUtils.getRootCause(ex).getMessage())
				.doesNotContain("instances.Client.call."));
	}

	@Test
	void anUnknownDottedBreakerNameIsNamedInBracketForm() {
		this.runner.run((context) -> {
			CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
			assertThatIllegalArgumentException().isThrownBy(() -> registry.get("Client.call"))
				.withMessageContaining("'async-utils.circuit-breaker.instances.[Client.call]'")
				.withMessageNotContaining("instances.Client.call");
		});
	}

	@Test
	void aPropertyBackedSettingAdvisesTheInstanceProperty() {
		FailureAnalysis analysis = analyze(startupFailure(BadJitter.class));
		assertThat(analysis.getAction()).contains("Property values override the annotation")
			.contains("'async-utils.retry.instances.[BadJitter.call].jitter'");
	}

	@Test
	void aPrivateMethodReportsNoMissingValueAndNoPropertyAdvice() {
		Throwable failure = startupFailure(PrivateMethod.class);
		FailureAnalysis analysis = analyze(failure);
		assertThat(analysis.getDescription()).contains("Setting: @Retry\n", "private method")
			.doesNotContain("(missing)");
		assertThat(analysis.getAction()).doesNotContain("Property values override");
	}

	@Test
	void aMissingFallbackMethodGetsNoPropertyAdvice() {
		FailureAnalysis analysis = analyze(startupFailure(MissingFallback.class));
		assertThat(analysis.getDescription()).contains("Setting: @Fallback(value) = 'nowhere'");
		assertThat(analysis.getAction()).doesNotContain("Property values override");
	}

	@Test
	void aSharedNameConflictShowsReadableSettings() {
		AsyncUtilsConfigurationException ex = root(startupFailure(SharedThrottle.class));
		assertThat(ex.getMessage()).doesNotContain("ThrottleSettings[", "BackendSettings[", "PT");
		assertThat(ex.getValue()).isEqualTo("rate 5.0, burst 5");
		assertThat(ex.getProblem()).startsWith("conflicts with rate 10.0, burst 10 of the same instance on ")
			.contains("'async-utils.throttle.instances.shared.rate'");
	}

	@Test
	void aSharedBoundedConflictShowsReadableDurations() {
		AsyncUtilsConfigurationException ex = root(startupFailure(SharedBounded.class));
		assertThat(ex.getMessage()).doesNotContain("BoundedSettings[", "PT");
		assertThat(ex.getValue()).isEqualTo("max-wait 2s");
		assertThat(ex.getProblem()).contains("conflicts with max-wait 1s of the same instance on ",
				"'async-utils.bounded.instances.waits.max-wait'");
	}

	@Test
	void aSharedBreakerConflictShowsReadableSettings() {
		AsyncUtilsConfigurationException ex = root(startupFailure(SharedBreaker.class));
		assertThat(ex.getMessage()).doesNotContain("BreakerSettings[", "PT", "class ");
		assertThat(ex.getProblem()).contains("of the same instance on ");
	}

	@Test
	void aFallbackTakingExceptionSaysApplyOnDefaultsToThrowableAndHowToFixIt() {
		AsyncUtilsConfigurationException ex = root(startupFailure(ExceptionFallback.class));
		assertThat(ex.getProblem()).contains("recover(Exception)")
			.contains("applyOn defaults to Throwable")
			.contains("declare the parameter as Throwable")
			.contains("@Fallback(value = \"recover\", applyOn = Exception.class)");
	}

	@Test
	void aFallbackNarrowerThanAnExplicitApplyOnNamesTheTypeItMisses() {
		AsyncUtilsConfigurationException ex = root(startupFailure(NarrowerThanApplyOn.class));
		assertThat(ex.getProblem()).contains("recover(IOException)")
			.contains("does not accept Exception")
			.doesNotContain("defaults to Throwable");
	}

	static class DottedName {

		@Throttle(name = "Client.call")
		public String call() {
			return "ok";
		}

	}

	static class DottedLimits {

		@Throttle(name = "Client.call", rate = 10)
		public String call() {
			return "ok";
		}

	}

	static class DottedRetry {

		@Retry(name = "Client.fetch")
		public String fetch() {
			return "ok";
		}

	}

	static class BadJitter {

		@Retry(jitter = 1.5)
		public String call() {
			return "ok";
		}

	}

	static class PrivateMethod {

		@Retry
		private String call() {
			return "ok";
		}

	}

	static class MissingFallback {

		@Fallback("nowhere")
		public String call() {
			return "ok";
		}

	}

	static class SharedThrottle {

		@Throttle(name = "shared", rate = 10)
		public String one() {
			return "ok";
		}

		@Throttle(name = "shared", rate = 5)
		public String two() {
			return "ok";
		}

	}

	static class SharedBounded {

		@Bounded(name = "waits", value = 2, maxWait = "1s")
		public String one() {
			return "ok";
		}

		@Bounded(name = "waits", value = 2, maxWait = "2s")
		public String two() {
			return "ok";
		}

	}

	static class SharedBreaker {

		@CircuitBreaker(name = "shared", waitInOpen = "10s", recordOn = IOException.class)
		public String one() {
			return "ok";
		}

		@CircuitBreaker(name = "shared", waitInOpen = "20s", recordOn = IOException.class)
		public String two() {
			return "ok";
		}

	}

	static class ExceptionFallback {

		@Fallback("recover")
		public String call() {
			return "ok";
		}

		String recover(Exception failure) {
			return "fallback";
		}

	}

	static class NarrowerThanApplyOn {

		@Fallback(value = "recover", applyOn = Exception.class)
		@Timeout("1s")
		public String call() {
			return "ok";
		}

		String recover(IOException failure) {
			return "fallback";
		}

	}

}
