package dev.asyncutils.timeout;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Issue 11, defect 1: a plain {@code @Timeout} clears only its own interrupt. An
 * enclosing {@code @Timeout} on the same thread whose deadline passes while an inner one
 * overruns keeps its interrupt (so the outer method stops at its deadline), and an
 * interrupt that was pending before the deadline survives the handshake.
 */
class TimeoutInterruptOwnershipTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void outerDeadlineInterruptSurvivesTheInnerHandshake() {
		this.runner.run((context) -> {
			Outer outer = context.getBean(Outer.class);
			long start = System.nanoTime();
			Throwable thrown = catchThrowable(outer::loop);
			Duration took = Duration.ofNanos(System.nanoTime() - start);
			assertThat(thrown).isInstanceOf(TimeoutExceededException.class).hasMessageContaining("'outer'");
			// outer deadline 300 ms, each inner call overruns to 150 ms: the outer loop
			// sees its interrupt after the inner call in flight at 300 ms; without it,
			// the loop runs its 20 inner calls (3 s)
			assertThat(took).isLessThan(Duration.ofMillis(1500));
			assertThat(Thread.interrupted()).as("no interrupt leaks to the caller").isFalse();
		});
	}

	@Test
	void interruptPendingBeforeTheDeadlineSurvivesTheHandshake() {
		this.runner.run((context) -> {
			Inner inner = context.getBean(Inner.class);
			Thread.currentThread().interrupt();
			Throwable thrown = catchThrowable(inner::spin);
			assertThat(thrown).isInstanceOf(TimeoutExceededException.class);
			assertThat(Thread.interrupted()).as("the caller's own interrupt is still set").isTrue();
		});
	}

	@Test
	void ourInterruptIsClearedAfterTheHandshake() {
		this.runner.run((context) -> {
			Inner inner = context.getBean(Inner.class);
			assertThat(catchThrowable(inner::spin)).isInstanceOf(TimeoutExceededException.class);
			assertThat(Thread.interrupted()).isFalse();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Inner inner() {
			return new Inner();
		}

		@Bean
		Outer outer(Inner inner) {
			return new Outer(inner);
		}

	}

	static class Outer {

		private final Inner inner;

		Outer(Inner inner) {
			this.inner = inner;
		}

		@Timeout(value = "300ms", name = "outer")
		public String loop() {
			for (int i = 0; i < 20; i++) {
				try {
					this.inner.spin();
				}
				catch (TimeoutExceededException ex) {
					// the inner call's own deadline: carry on with the next one
				}
				if (Thread.currentThread().isInterrupted()) {
					return "stopped after " + (i + 1) + " inner calls";
				}
			}
			return "ran all 20 inner calls";
		}

	}

	static class Inner {

		/** Busy for 150 ms, deaf to interrupts: overruns its 50 ms deadline. */
		@Timeout(value = "50ms", name = "inner")
		public void spin() {
			long end = System.nanoTime() + Duration.ofMillis(150).toNanos();
			while (System.nanoTime() < end) {
				Thread.onSpinWait();
			}
		}

	}

}
