package dev.asyncutils.core;

import java.util.concurrent.atomic.AtomicInteger;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.junit.jupiter.api.Test;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.annotation.Retry;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Every retry attempt runs whatever advice follows ours on the proxy, also advice added
 * to our proxy after calls were made (and, once it is removed, just the method again):
 * attempts re-proceed the caller's invocation only while our interceptor is last.
 */
class RetryReRunsTheRestOfTheChainTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void adviceAddedAfterOursRunsOnEveryAttempt() {
		this.runner.run((context) -> {
			Flaky flaky = context.getBean(Flaky.class);
			Attempts attempts = context.getBean(Attempts.class);
			Advised advised = (Advised) flaky;
			assertThat(advised.getAdvisors()).hasSize(1);

			// ours alone: each attempt invokes the method again
			assertThat(catchThrowable(flaky::fail)).isExactlyInstanceOf(IllegalStateException.class)
				.hasMessage("attempt 3");
			assertThat(attempts.method.get()).isEqualTo(3);

			// another advice after ours, added once calls were made
			Counting counting = new Counting();
			Advisor advisor = new DefaultPointcutAdvisor(counting);
			advised.addAdvisor(advisor);
			attempts.method.set(0);
			assertThat(catchThrowable(flaky::fail)).isExactlyInstanceOf(IllegalStateException.class)
				.hasMessage("attempt 3");
			assertThat(attempts.method.get()).isEqualTo(3);
			assertThat(counting.calls.get()).isEqualTo(3);
			assertThat(flaky.succeedOnThird()).isEqualTo("ok after 3");
			assertThat(counting.calls.get()).isEqualTo(6);

			// removed again: the method alone, still once per attempt
			advised.removeAdvisor(advisor);
			attempts.method.set(0);
			assertThat(catchThrowable(flaky::fail)).isExactlyInstanceOf(IllegalStateException.class)
				.hasMessage("attempt 3");
			assertThat(attempts.method.get()).isEqualTo(3);
			assertThat(counting.calls.get()).isEqualTo(6);
		});
	}

	@Test
	void adviceAddedBeforeOursDoesNotRunPerAttempt() {
		this.runner.run((context) -> {
			Flaky flaky = context.getBean(Flaky.class);
			Attempts attempts = context.getBean(Attempts.class);
			Counting counting = new Counting();
			((Advised) flaky).addAdvisor(0, new DefaultPointcutAdvisor(counting));
			assertThat(catchThrowable(flaky::fail)).hasMessage("attempt 3");
			assertThat(attempts.method.get()).isEqualTo(3);
			assertThat(counting.calls.get()).isEqualTo(1);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Attempts attempts() {
			return new Attempts();
		}

		@Bean
		Flaky flaky(Attempts attempts) {
			return new Flaky(attempts);
		}

	}

	static class Attempts {

		final AtomicInteger method = new AtomicInteger();

	}

	static class Flaky {

		private final Attempts attempts;

		Flaky(Attempts attempts) {
			this.attempts = attempts;
		}

		@Retry(maxAttempts = 3, delay = "1ms")
		public String fail() {
			throw new IllegalStateException("attempt " + this.attempts.method.incrementAndGet());
		}

		@Retry(maxAttempts = 3, delay = "1ms")
		public String succeedOnThird() {
			int attempt = this.attempts.method.incrementAndGet();
			if (attempt % 3 != 0) {
				throw new IllegalStateException("attempt " + attempt);
			}
			return "ok after 3";
		}

	}

	static class Counting implements MethodInterceptor {

		final AtomicInteger calls = new AtomicInteger();

		@Override
		public Object invoke(MethodInvocation invocation) throws Throwable {
			this.calls.incrementAndGet();
			return invocation.proceed();
		}

	}

}
