package dev.asyncutils.autoconfigure;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.batch.BatchProcessor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration example of the contract, as a user would copy it, starts and binds.
 */
class ContractYamlTests {

	@Test
	void emptyItemTimeoutMeansNone() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(TaskExecutionAutoConfiguration.class, AsyncUtilsAutoConfiguration.class))
			.withPropertyValues("async-utils.batch.item-timeout=", "async-utils.batch.batch-size=100")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(BatchProcessor.class).options().itemTimeout()).isNull();
			});
	}

	@Test
	void itemTimeoutBinds() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(TaskExecutionAutoConfiguration.class, AsyncUtilsAutoConfiguration.class))
			.withPropertyValues("async-utils.batch.item-timeout=2s")
			.run((context) -> assertThat(context.getBean(BatchProcessor.class).options().itemTimeout())
				.isEqualTo(Duration.ofSeconds(2)));
	}

}
