package dev.asyncutils.circuitbreaker;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.CircuitOpenException;
import dev.asyncutils.CircuitState;
import dev.asyncutils.annotation.CircuitBreaker;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Slow calls on every return kind, timed from the start of the call to its outcome (the
 * method's return, the stage's completion, the publisher's termination): calls slower
 * than slow-call-duration open the breaker, fast ones do not count as slow.
 */
class CircuitSlowCallTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withBean(Slow.class);

	@Test
	void slowCallsOfEveryReturnKindOpenTheBreakerAndFastOnesDoNot() {
		this.runner.run((context) -> {
			Slow slow = context.getBean(Slow.class);
			CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
			assertThat(slow.plain(0)).isEqualTo("ok");
			assertThat(slow.stage(0).join()).isEqualTo("ok");
			assertThat(slow.mono(0).block()).isEqualTo("ok");
			for (String name : new String[] { "slow-plain", "slow-stage", "slow-mono" }) {
				assertThat(registry.get(name).successCount()).as(name).isEqualTo(1);
				assertThat(registry.get(name).slowCount()).as(name).isZero();
			}
			slow.plain(300);
			slow.plain(300);
			slow.stage(300).join();
			slow.stage(300).join();
			slow.mono(300).block();
			slow.mono(300).block();
			for (String name : new String[] { "slow-plain", "slow-stage", "slow-mono" }) {
				Circuit circuit = registry.get(name);
				assertThat(circuit.slowCount()).as(name).isEqualTo(2);
				assertThat(circuit.state()).as(name).isEqualTo(CircuitState.OPEN);
			}
			assertThatExceptionOfType(CircuitOpenException.class).isThrownBy(() -> slow.plain(0));
		});
	}

	static class Slow {

		@CircuitBreaker(name = "slow-plain", slowCallDuration = "150ms", minimumCalls = 2, windowCalls = 2)
		public String plain(long millis) throws InterruptedException {
			Thread.sleep(millis);
			return "ok";
		}

		@CircuitBreaker(name = "slow-stage", slowCallDuration = "150ms", minimumCalls = 2, windowCalls = 2)
		public CompletableFuture<String> stage(long millis) {
			return CompletableFuture.supplyAsync(() -> "ok",
					CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS));
		}

		@CircuitBreaker(name = "slow-mono", slowCallDuration = "150ms", minimumCalls = 2, windowCalls = 2)
		public Mono<String> mono(long millis) {
			return Mono.delay(Duration.ofMillis(millis)).thenReturn("ok");
		}

	}

}
