package dev.asyncutils.circuitbreaker;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.AsyncUtils;
import dev.asyncutils.CircuitOpenException;
import dev.asyncutils.CircuitState;
import dev.asyncutils.Guard;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The {@code circuitBreaker} step of a programmatic guard: the same breaker, shared by
 * name, as the annotation, readable through the registry.
 */
class GuardCircuitBreakerTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(TaskExecutionAutoConfiguration.class, AsyncUtilsAutoConfiguration.class));

	@Test
	void aGuardsBreakerOpensAndRejectsWithoutCallingAndTheRegistryShowsIt() {
		this.runner.run((context) -> {
			Guard guard = context.getBean(AsyncUtils.class)
				.guard("shipping")
				.circuitBreaker((breaker) -> breaker.minimumCalls(2).windowCalls(2).waitInOpen(Duration.ofHours(1)))
				.build();
			int[] calls = new int[1];
			for (int i = 0; i < 2; i++) {
				assertThatExceptionOfType(IOException.class).isThrownBy(() -> guard.call(() -> {
					calls[0]++;
					throw new IOException("down");
				}));
			}
			Circuit circuit = context.getBean(CircuitBreakerRegistry.class).get("shipping");
			assertThat(circuit.state()).isEqualTo(CircuitState.OPEN);
			assertThatExceptionOfType(CircuitOpenException.class).isThrownBy(() -> guard.call(() -> calls[0]++));
			CompletableFuture<Integer> async = guard.callAsync(() -> CompletableFuture.completedFuture(calls[0]++));
			assertThat(async).isCompletedExceptionally();
			assertThat(calls[0]).isEqualTo(2);
			assertThat(circuit.notPermittedCount()).isEqualTo(2);
		});
	}

	@Test
	void aStepWithoutCustomizerTakesPropertiesAndBadValuesFailTheBuild() {
		this.runner.withPropertyValues("async-utils.circuit-breaker.instances.quotes.half-open-calls=2")
			.run((context) -> {
				AsyncUtils asyncUtils = context.getBean(AsyncUtils.class);
				asyncUtils.guard("quotes").circuitBreaker().build();
				assertThat(context.getBean(CircuitBreakerRegistry.class).get("quotes").settings().halfOpenCalls())
					.isEqualTo(2);
				assertThatIllegalArgumentException().isThrownBy(
						() -> asyncUtils.guard("bad").circuitBreaker((breaker) -> breaker.halfOpenCalls(-1)).build())
					.withMessageContaining("circuitBreaker(halfOpenCalls) = '-1'");
				assertThatIllegalArgumentException()
					.isThrownBy(
							() -> asyncUtils.guard("bad").circuitBreaker((breaker) -> breaker.halfOpenCalls(0)).build())
					.withMessageContaining("halfOpenCalls")
					.withMessageContaining("must be at least 1");
			});
	}

}
