package dev.asyncutils.core;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

/**
 * The context the Plain, Stage and Reactive suites of retry, timeout and bounded share:
 * async-utils auto-configured, plus the test's beans, each built by its only constructor
 * from the others (a recorder first, then the guarded bean that records into it).
 */
public final class TestContexts {

	private TestContexts() {
	}

	/**
	 * Return a runner with async-utils and these beans.
	 * @param beans the bean classes, in the order they are registered
	 * @return the runner
	 */
	public static ApplicationContextRunner withBeans(Class<?>... beans) {
		ApplicationContextRunner runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class));
		for (Class<?> bean : beans) {
			runner = runner.withBean(bean);
		}
		return runner;
	}

}
