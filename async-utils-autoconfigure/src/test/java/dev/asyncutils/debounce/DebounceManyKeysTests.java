package dev.asyncutils.debounce;

import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.annotation.Debounce;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Memory follows the keys pending: 100,000 distinct keys pending at once each run once
 * (here: all at once when the context closes), and every entry is gone afterwards.
 */
class DebounceManyKeysTests {

	private static final int KEYS = 100_000;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(TaskExecutionAutoConfiguration.class, AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void hundredThousandDistinctKeysPendingAtOnceRunOnceEachAndAreFreed() {
		this.runner.run((context) -> {
			Documents documents = context.getBean(Documents.class);
			DebounceFeature feature = context.getBean(DebounceFeature.class);
			for (int i = 0; i < KEYS; i++) {
				documents.touch(i);
				documents.touch(i);
			}
			// the quiet period is long enough for all of them to be pending at once
			assertThat(feature.pendingKeys()).isEqualTo(KEYS);
			assertThat(documents.runs().sum()).isZero();
			// closing the context runs every one of them, and nothing is left behind
			((ConfigurableApplicationContext) context.getSourceApplicationContext()).close();
			assertThat(documents.runs().sum()).isEqualTo(KEYS);
			assertThat(feature.pendingKeys()).isZero();
			assertThat(feature.runningKeys()).isZero();
			assertThat(feature.instances().find("touch").pendingKeys()).isZero();
			assertThat(feature.instances().find("touch").callCount()).isEqualTo(2L * KEYS);
			assertThat(feature.instances().find("touch").runCount()).isEqualTo(KEYS);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Documents documents() {
			return new Documents();
		}

	}

	static class Documents {

		final LongAdder runs = new LongAdder();

		public LongAdder runs() {
			return this.runs;
		}

		@Debounce(value = "1m", name = "touch", key = "#id")
		public void touch(int id) {
			this.runs.increment();
		}

	}

}
