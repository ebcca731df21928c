package dev.asyncutils.autoconfigure;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.NestedExceptionUtils;

import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.core.AsyncUtilsConfigurationException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input stops the application at startup, with a message naming the bean, the method,
 * the attribute or property, and the bad value.
 */
class BadInputTests {

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

	private void assertNames(AsyncUtilsConfigurationException ex, String method, String setting, String value,
			String problem) {
		assertThat(ex.getBeanName()).isEqualTo("bad");
		assertThat(ex.getMethod()).isEqualTo(method);
		assertThat(ex.getSetting()).isEqualTo(setting);
		assertThat(ex.getValue()).isEqualTo(value);
		assertThat(ex.getProblem()).contains(problem);
		assertThat(ex.getMessage()).contains("bean 'bad'", method, setting, problem);
		if (value != null) {
			assertThat(ex.getMessage()).contains("'" + value + "'");
		}
	}

	private static String messages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable current = failure; current != null; current = current.getCause()) {
			messages.append(current.getMessage()).append('\n');
		}
		return messages.toString();
	}

	private String startupFailureMessages(Class<?> beanClass, String... properties) {
		StringBuilder messages = new StringBuilder();
		this.runner.withBean("bad", beanClass).withPropertyValues(properties).run((context) -> {
			assertThat(context).hasFailed();
			messages.append(messages(context.getStartupFailure()));
		});
		return messages.toString();
	}

	@Test
	void negativeMaxAttempts() {
		assertNames(startupFailure(NegativeMaxAttempts.class), "NegativeMaxAttempts.call(String, int)",
				"@Retry(maxAttempts)", "-1", "must be at least 1");
	}

	@Test
	void negativeDelayFromDefaultsProperty() {
		assertNames(startupFailure(PlainRetry.class, "async-utils.retry.defaults.delay=-5ms"), "PlainRetry.call()",
				"property 'async-utils.retry.defaults.delay'", "-5ms", "must not be negative");
	}

	@Test
	void negativeMaxAttemptsFromInstanceProperty() {
		assertNames(startupFailure(NamedRetry.class, "async-utils.retry.instances.pay.max-attempts=-2"),
				"NamedRetry.call()", "property 'async-utils.retry.instances.pay.max-attempts'", "-2",
				"must be at least 1");
	}

	@Test
	void unparsableRetryDelay() {
		assertNames(startupFailure(UnparsableDelay.class), "UnparsableDelay.call()", "@Retry(delay)", "abc",
				"not a duration");
	}

	@Test
	void unparsableTimeout() {
		assertNames(startupFailure(UnparsableTimeout.class), "UnparsableTimeout.call(long)", "@Timeout(value)", "abc",
				"not a duration");
	}

	@Test
	void jitterAboveOne() {
		assertNames(startupFailure(JitterAboveOne.class), "JitterAboveOne.call()", "@Retry(jitter)", "1.5",
				"between 0 and 1");
	}

	@Test
	void negativeJitterFromInstanceProperty() {
		assertNames(startupFailure(NamedRetry.class, "async-utils.retry.instances.pay.jitter=-0.5"),
				"NamedRetry.call()", "property 'async-utils.retry.instances.pay.jitter'", "-0.5", "between 0 and 1");
	}

	@Test
	void multiplierBelowOne() {
		assertNames(startupFailure(MultiplierBelowOne.class), "MultiplierBelowOne.call()", "@Retry(multiplier)", "0.5",
				"must be at least 1.0");
	}

	@Test
	void maxDelayBelowDelay() {
		AsyncUtilsConfigurationException ex = startupFailure(MaxDelayBelowDelay.class);
		assertNames(ex, "MaxDelayBelowDelay.call()", "@Retry(maxDelay)", "1s", "must not be less than the delay");
		assertThat(ex.getProblem()).contains("(2s from @Retry(delay))");
	}

	@Test
	void zeroMaxDuration() {
		assertNames(startupFailure(ZeroMaxDuration.class), "ZeroMaxDuration.call()", "@Retry(maxDuration)", "0s",
				"must be positive");
	}

	@Test
	void zeroTimeout() {
		assertNames(startupFailure(ZeroTimeout.class), "ZeroTimeout.call()", "@Timeout(value)", "0ms",
				"must be positive");
	}

	@Test
	void negativeTimeoutFromInstanceProperty() {
		assertNames(startupFailure(NamedTimeout.class, "async-utils.timeout.instances.quotes.duration=-100ms"),
				"NamedTimeout.call()", "property 'async-utils.timeout.instances.quotes.duration'", "-100ms",
				"must be positive");
	}

	@Test
	void missingCleanupMethod() {
		assertNames(startupFailure(MissingCleanup.class), "MissingCleanup.call(String)", "@Timeout(cleanup)", "nope",
				"there is no method of that name");
	}

	@Test
	void cleanupWithWrongParameters() {
		AsyncUtilsConfigurationException ex = startupFailure(CleanupWrongParameters.class);
		assertNames(ex, "CleanupWrongParameters.call(String)", "@Timeout(cleanup)", "cleanup",
				"needs a method cleanup(String) or cleanup()");
		assertThat(ex.getProblem()).contains("found only cleanup(int)");
	}

	@Test
	void missingFallbackMethod() {
		assertNames(startupFailure(MissingFallback.class), "MissingFallback.call(String)", "@Fallback(value)", "nope",
				"there is no method of that name");
	}

	@Test
	void fallbackWithWrongParameterTypes() {
		AsyncUtilsConfigurationException ex = startupFailure(FallbackWrongParameters.class);
		assertNames(ex, "FallbackWrongParameters.call(String)", "@Fallback(value)", "recover",
				"needs a method recover(String) or recover(String, Throwable)");
		assertThat(ex.getProblem()).contains("found only recover(Integer)");
	}

	@Test
	void fallbackWithWrongReturnType() {
		AsyncUtilsConfigurationException ex = startupFailure(FallbackWrongReturnType.class);
		assertNames(ex, "FallbackWrongReturnType.call()", "@Fallback(value)", "recover", "returns Integer");
		assertThat(ex.getProblem()).contains("must return String");
	}

	@Test
	void fallbackOfCompletableFutureWithWrongValueType() {
		AsyncUtilsConfigurationException ex = startupFailure(StageFallbackWrongValueType.class);
		assertNames(ex, "StageFallbackWrongValueType.call()", "@Fallback(value)", "recover", "returns Integer");
		assertThat(ex.getProblem()).contains("must return String or a CompletionStage of it");
	}

	@Test
	void fallbackFailureParameterNarrowerThanApplyOn() {
		AsyncUtilsConfigurationException ex = startupFailure(FallbackNarrowFailureParameter.class);
		assertNames(ex, "FallbackNarrowFailureParameter.call()", "@Fallback(value)", "recover",
				"needs a method recover() or recover(Throwable)");
		assertThat(ex.getProblem()).contains("found only recover(IOException)");
	}

	@Test
	void badValueFromPlaceholderIsShownAsWritten() {
		assertNames(startupFailure(PlaceholderDelay.class, "retry.delay=soon"), "PlaceholderDelay.call()",
				"@Retry(delay)", "${retry.delay}", "not a duration");
	}

	@Test
	void unsupportedReturnType() {
		assertNames(startupFailure(UnsupportedReturnType.class), "UnsupportedReturnType.call()", "@Timeout",
				"java.util.concurrent.Future<java.lang.String>", "unsupported return type");
	}

	@Test
	void annotationOnFinalMethod() {
		assertNames(startupFailure(FinalMethod.class), "FinalMethod.call()", "@Retry", null, "final method");
	}

	@Test
	void annotationOnPrivateMethod() {
		assertNames(startupFailure(PrivateMethod.class), "PrivateMethod.call()", "@Timeout", null, "private method");
	}

	@Test
	void annotationOnStaticMethod() {
		assertNames(startupFailure(StaticMethod.class), "StaticMethod.call()", "@Fallback", null, "static method");
	}

	@Test
	void unknownPropertyUnderAnInstance() {
		assertThat(startupFailureMessages(NamedRetry.class, "async-utils.retry.instances.pay.bogus=1"))
			.contains("async-utils.retry.instances.pay.bogus");
	}

	@Test
	void unknownTopLevelProperty() {
		assertThat(startupFailureMessages(PlainRetry.class, "async-utils.retyr.defaults.delay=1s"))
			.contains("async-utils.retyr.defaults.delay");
	}

	@Test
	void unparsableDurationProperty() {
		assertThat(startupFailureMessages(PlainRetry.class, "async-utils.retry.defaults.delay=abc"))
			.contains("async-utils.retry.defaults.delay", "abc");
	}

	@Test
	void zeroSchedulerThreads() {
		assertThat(startupFailureMessages(PlainRetry.class, "async-utils.scheduler-threads=0"))
			.contains("async-utils.scheduler-threads", "'0'");
	}

	@Test
	void validConfigurationStarts() {
		this.runner.withBean("good", PlainRetry.class)
			.withBean("named", NamedRetry.class)
			.withPropertyValues("async-utils.retry.instances.pay.jitter=0.5",
					"async-utils.retry.instances.pay.max-attempts=1")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	static class PlainRetry {

		@Retry
		public String call() {
			return "ok";
		}

	}

	static class NamedRetry {

		@Retry(name = "pay")
		public String call() {
			return "ok";
		}

	}

	static class NamedTimeout {

		@Timeout(name = "quotes")
		public String call() {
			return "ok";
		}

	}

	static class NegativeMaxAttempts {

		@Retry(maxAttempts = -1)
		public String call(String text, int number) {
			return text;
		}

	}

	static class UnparsableDelay {

		@Retry(delay = "abc")
		public String call() {
			return "ok";
		}

	}

	static class UnparsableTimeout {

		@Timeout("abc")
		public String call(long number) {
			return "ok";
		}

	}

	static class PlaceholderDelay {

		@Retry(delay = "${retry.delay}")
		public String call() {
			return "ok";
		}

	}

	static class JitterAboveOne {

		@Retry(jitter = 1.5)
		public String call() {
			return "ok";
		}

	}

	static class MultiplierBelowOne {

		@Retry(multiplier = 0.5)
		public String call() {
			return "ok";
		}

	}

	static class MaxDelayBelowDelay {

		@Retry(delay = "2s", maxDelay = "1s")
		public String call() {
			return "ok";
		}

	}

	static class ZeroMaxDuration {

		@Retry(maxDuration = "0s")
		public String call() {
			return "ok";
		}

	}

	static class ZeroTimeout {

		@Timeout("0ms")
		public String call() {
			return "ok";
		}

	}

	static class MissingCleanup {

		@Timeout(value = "1s", cleanup = "nope")
		public String call(String text) {
			return text;
		}

	}

	static class CleanupWrongParameters {

		@Timeout(value = "1s", cleanup = "cleanup")
		public String call(String text) {
			return text;
		}

		void cleanup(int number) {
		}

	}

	static class MissingFallback {

		@Fallback("nope")
		public String call(String text) {
			return text;
		}

	}

	static class FallbackWrongParameters {

		@Fallback("recover")
		public String call(String text) {
			return text;
		}

		private String recover(Integer number) {
			return "fallback";
		}

	}

	static class FallbackWrongReturnType {

		@Fallback("recover")
		public String call() {
			return "ok";
		}

		private Integer recover(Throwable failure) {
			return 1;
		}

	}

	static class StageFallbackWrongValueType {

		@Fallback("recover")
		public CompletableFuture<String> call() {
			return CompletableFuture.completedFuture("ok");
		}

		private Integer recover() {
			return 1;
		}

	}

	static class FallbackNarrowFailureParameter {

		@Fallback("recover")
		public String call() {
			return "ok";
		}

		private String recover(IOException failure) {
			return "fallback";
		}

	}

	static class UnsupportedReturnType {

		@Timeout("1s")
		public Future<String> call() {
			return CompletableFuture.completedFuture("ok");
		}

	}

	static class FinalMethod {

		@Retry
		public final String call() {
			return "ok";
		}

	}

	static class PrivateMethod {

		public String open() {
			return call();
		}

		@Timeout("1s")
		private String call() {
			return "ok";
		}

	}

	static class StaticMethod {

		@Fallback("recover")
		public static String call() {
			return "ok";
		}

		private static String recover() {
			return "fallback";
		}

	}

}
