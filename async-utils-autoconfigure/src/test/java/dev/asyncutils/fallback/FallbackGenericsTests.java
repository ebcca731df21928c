package dev.asyncutils.fallback;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fallback method inherited from a generic superclass is matched with its type
 * variables resolved against the bean class: {@code Base<T>.fallback(int, T)} is
 * {@code fallback(int, Long)} on {@code Sub extends Base<Long>}.
 */
class FallbackGenericsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class));

	@Test
	void fallbackWithATypeVariableParameterInheritedFromAGenericSuperclass() {
		this.runner.withBean(LongClient.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(LongClient.class).load(7, 3L)).isEqualTo(3L);
		});
	}

	@Test
	void fallbackWithATypeVariableReturnTypeAndFailureParameter() {
		this.runner.withBean(NameClient.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(NameClient.class).name(2)).isEqualTo("fallback 2 after boom");
		});
	}

	@Test
	void fallbackOfAGuardedMethodDeclaredInTheGenericSuperclass() {
		this.runner.withBean(StageClient.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(StageClient.class).all("x").get(5, TimeUnit.SECONDS)).containsExactly("x",
					"fallback");
		});
	}

	@Test
	void aTypeVariableBoundToAnotherTypeStillDoesNotMatch() {
		this.runner.withBean(WrongClient.class).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("found only fallback(int, String)");
		});
	}

	abstract static class Base<T> {

		T fallback(int id, T value) {
			return value;
		}

	}

	static class LongClient extends Base<Long> {

		@Fallback("fallback")
		public Long load(int id, Long value) {
			throw new IllegalStateException("boom");
		}

	}

	abstract static class Named<T> {

		T describe(int id, Throwable failure) {
			return value("fallback " + id + " after " + failure.getMessage());
		}

		abstract T value(String text);

	}

	static class NameClient extends Named<String> {

		@Fallback("describe")
		public String name(int id) {
			throw new IllegalStateException("boom");
		}

		@Override
		String value(String text) {
			return text;
		}

	}

	abstract static class Lister<T> {

		@Fallback("recover")
		public CompletableFuture<List<T>> all(T first) {
			return CompletableFuture.failedFuture(new IllegalStateException("boom"));
		}

		abstract List<T> recover(T first);

	}

	static class StageClient extends Lister<String> {

		@Override
		List<String> recover(String first) {
			return List.of(first, "fallback");
		}

	}

	abstract static class Inherited<T> {

		T fallback(int id, T value) {
			return value;
		}

	}

	static class WrongClient extends Inherited<String> {

		@Fallback("fallback")
		public Long load(int id, Long value) {
			return value;
		}

	}

}
