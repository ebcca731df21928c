package dev.asyncutils.core;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.annotation.Retry;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Final bean classes cannot be subclassed: one with an interface is guarded through an
 * interface proxy, one without fails the startup with a message saying why.
 */
class FinalClassProxyTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class));

	@Test
	void finalClassWithAnInterfaceIsGuardedThroughIt() {
		this.runner.withUserConfiguration(WithInterface.class).run((context) -> {
			assertThat(context).hasNotFailed();
			Greeter greeter = context.getBean(Greeter.class);
			assertThat(AopUtils.isJdkDynamicProxy(greeter)).isTrue();
			assertThat(greeter.greet()).isEqualTo("hello after 3 attempts");
		});
	}

	@Test
	void finalClassWithoutInterfaceFailsTheStartup() {
		this.runner.withUserConfiguration(WithoutInterface.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(AsyncUtilsConfigurationException.class)
				.hasMessageContaining("bean 'plain'")
				.hasMessageContaining(PlainFinal.class.getName())
				.hasMessageContaining("is final and implements no interface");
		});
	}

	interface Greeter {

		String greet();

	}

	static final class FinalGreeter implements Greeter {

		private final AtomicInteger attempts = new AtomicInteger();

		@Override
		@Retry(delay = "1ms")
		public String greet() {
			int attempt = this.attempts.incrementAndGet();
			if (attempt < 3) {
				throw new IllegalStateException("not yet");
			}
			return "hello after " + attempt + " attempts";
		}

	}

	static final class PlainFinal {

		@Retry
		public String call() {
			return "x";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WithInterface {

		@Bean
		Greeter greeter() {
			return new FinalGreeter();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WithoutInterface {

		@Bean
		PlainFinal plain() {
			return new PlainFinal();
		}

	}

}
