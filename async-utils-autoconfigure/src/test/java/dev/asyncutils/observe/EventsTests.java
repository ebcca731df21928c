package dev.asyncutils.observe;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.CircuitOpenException;
import dev.asyncutils.CircuitState;
import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.CircuitBreaker;
import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.event.AsyncUtilsEvent;
import dev.asyncutils.event.CallRejectedEvent;
import dev.asyncutils.event.CircuitStateChangedEvent;
import dev.asyncutils.event.FallbackEvent;
import dev.asyncutils.event.RetryAttemptFailedEvent;
import dev.asyncutils.event.TimeoutEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @EventListener} methods receive what happened to guarded calls: failed attempts
 * that are retried, timeouts, fallbacks; on the thread where it happened, and nothing for
 * calls that succeed at once.
 */
class EventsTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(TaskExecutionAutoConfiguration.class, AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void failedAttemptsThatAreRetriedArePublishedOnTheCallersThread() {
		this.runner.run((context) -> {
			Listener listener = context.getBean(Listener.class);
			Guarded guarded = context.getBean(Guarded.class);
			assertThat(guarded.flakyTwice()).isEqualTo("ok");
			List<RetryAttemptFailedEvent> events = listener.of(RetryAttemptFailedEvent.class);
			assertThat(events).extracting(RetryAttemptFailedEvent::name).containsExactly("flaky", "flaky");
			assertThat(events).extracting(RetryAttemptFailedEvent::attempt).containsExactly(1, 2);
			assertThat(events).extracting(RetryAttemptFailedEvent::nextDelay)
				.containsExactly(Duration.ofMillis(5), Duration.ofMillis(10));
			assertThat(events).extracting((event) -> event.failure().getMessage())
				.containsExactly("attempt 1", "attempt 2");
			assertThat(listener.threads).containsOnly(Thread.currentThread());
			assertThat(listener.events).hasSize(2);
		});
	}

	@Test
	void theAttemptThatEndsTheCallIsNotARetry() {
		this.runner.run((context) -> {
			Listener listener = context.getBean(Listener.class);
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> context.getBean(Guarded.class).alwaysFails());
			assertThat(listener.of(RetryAttemptFailedEvent.class)).extracting(RetryAttemptFailedEvent::attempt)
				.containsExactly(1, 2);
		});
	}

	@Test
	void callsThatSucceedAtOncePublishNothing() {
		this.runner.run((context) -> {
			Listener listener = context.getBean(Listener.class);
			Guarded guarded = context.getBean(Guarded.class);
			guarded.flakyTwice();
			listener.events.clear();
			for (int i = 0; i < 100; i++) {
				assertThat(guarded.flakyTwice()).isEqualTo("ok");
				assertThat(guarded.quick()).isEqualTo("quick");
				assertThat(guarded.recovers(false)).isEqualTo("value");
				assertThat(guarded.quickAsync().join()).isEqualTo("quick");
				assertThat(guarded.retriedMono().block()).isEqualTo("mono");
			}
			assertThat(listener.events).isEmpty();
		});
	}

	@Test
	void timeoutsArePublished() {
		this.runner.run((context) -> {
			Listener listener = context.getBean(Listener.class);
			Guarded guarded = context.getBean(Guarded.class);
			assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(guarded::slow);
			assertThat(listener.of(TimeoutEvent.class)).singleElement().satisfies((event) -> {
				assertThat(event.name()).isEqualTo("deadline");
				assertThat(event.timeout()).isEqualTo(Duration.ofMillis(30));
			});
			assertThat(listener.threads).containsOnly(Thread.currentThread());
			listener.events.clear();
			assertThat(guarded.neverAsync()).failsWithin(5, TimeUnit.SECONDS);
			assertThat(listener.of(TimeoutEvent.class)).singleElement()
				.satisfies((event) -> assertThat(event.name()).isEqualTo("async-deadline"));
		});
	}

	@Test
	void fallbacksArePublishedWithTheGuardedMethodsName() {
		this.runner.run((context) -> {
			Listener listener = context.getBean(Listener.class);
			assertThat(context.getBean(Guarded.class).recovers(true)).isEqualTo("fallback");
			assertThat(listener.of(FallbackEvent.class)).singleElement().satisfies((event) -> {
				assertThat(event.name()).isEqualTo("Guarded.recovers");
				assertThat(event.failure()).isInstanceOf(IllegalArgumentException.class).hasMessage("bad");
			});
			assertThat(listener.threads).containsOnly(Thread.currentThread());
		});
	}

	@Test
	void rejectionsArePublishedWithTheirKind() {
		this.runner.run((context) -> {
			Listener listener = context.getBean(Listener.class);
			Guarded guarded = context.getBean(Guarded.class);
			guarded.throttled();
			assertThat(listener.events).isEmpty();
			assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(guarded::throttled);
			CompletableFuture<String> held = guarded.holdSlot();
			assertThat(guarded.holdSlot()).failsWithin(5, TimeUnit.SECONDS)
				.withThrowableThat()
				.havingCause()
				.isInstanceOf(BoundedRejectedException.class);
			guarded.gate().complete("released");
			assertThat(held.get(5, TimeUnit.SECONDS)).isEqualTo("released");
			assertThat(listener.of(CallRejectedEvent.class)).extracting((event) -> event.kind() + " " + event.name())
				.containsExactly("throttle meter", "bounded slot");
			assertThat(listener.threads).containsOnly(Thread.currentThread());
		});
	}

	@Test
	void circuitStateChangesAndItsRejectionsArePublished() {
		this.runner.run((context) -> {
			Listener listener = context.getBean(Listener.class);
			Guarded guarded = context.getBean(Guarded.class);
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(guarded::downstream);
			assertThat(listener.of(CircuitStateChangedEvent.class)).isEmpty();
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(guarded::downstream);
			assertThat(listener.of(CircuitStateChangedEvent.class))
				.extracting((event) -> event.name() + " " + event.from() + " " + event.to())
				.containsExactly("downstream " + CircuitState.CLOSED + " " + CircuitState.OPEN);
			assertThatExceptionOfType(CircuitOpenException.class).isThrownBy(guarded::downstream);
			assertThat(listener.of(CallRejectedEvent.class)).extracting((event) -> event.kind() + " " + event.name())
				.containsExactly("circuit-breaker downstream");
			assertThat(listener.threads).containsOnly(Thread.currentThread());
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Guarded guarded() {
			return new Guarded();
		}

		@Bean
		Listener listener() {
			return new Listener();
		}

	}

	static class Listener {

		final List<AsyncUtilsEvent> events = new CopyOnWriteArrayList<>();

		final List<Thread> threads = new CopyOnWriteArrayList<>();

		@EventListener
		void on(AsyncUtilsEvent event) {
			this.events.add(event);
			this.threads.add(Thread.currentThread());
		}

		<E> List<E> of(Class<E> type) {
			return this.events.stream().filter(type::isInstance).map(type::cast).toList();
		}

	}

	static class Guarded {

		private final AtomicInteger flaky = new AtomicInteger();

		@Retry(name = "flaky", delay = "5ms")
		public String flakyTwice() {
			int attempt = this.flaky.incrementAndGet();
			if (attempt <= 2) {
				throw new IllegalStateException("attempt " + attempt);
			}
			return "ok";
		}

		private final CompletableFuture<String> gate = new CompletableFuture<>();

		CompletableFuture<String> gate() {
			return this.gate;
		}

		@CircuitBreaker(name = "downstream", minimumCalls = 2, windowCalls = 2, waitInOpen = "1h")
		public void downstream() {
			throw new IllegalStateException("down");
		}

		@Throttle(name = "meter", rate = 1, per = "1h", maxWait = "0")
		public void throttled() {
		}

		@Bounded(name = "slot", value = 1, maxWait = "0")
		public CompletableFuture<String> holdSlot() {
			return this.gate.thenApply((value) -> value);
		}

		@Retry(delay = "1ms")
		public String alwaysFails() {
			throw new IllegalStateException("broken");
		}

		@Retry(delay = "1ms")
		public Mono<String> retriedMono() {
			return Mono.just("mono");
		}

		@Timeout(name = "deadline", value = "30ms")
		public String quick() {
			return "quick";
		}

		@Timeout(name = "deadline", value = "30ms")
		public String slow() throws InterruptedException {
			Thread.sleep(5_000);
			return "slow";
		}

		@Timeout(name = "async-deadline", value = "30ms")
		public CompletableFuture<String> quickAsync() {
			return CompletableFuture.completedFuture("quick");
		}

		@Timeout(name = "async-deadline", value = "30ms")
		public CompletableFuture<String> neverAsync() {
			return new CompletableFuture<>();
		}

		@Fallback("fallback")
		public String recovers(boolean fail) {
			if (fail) {
				throw new IllegalArgumentException("bad");
			}
			return "value";
		}

		String fallback(boolean fail) {
			return "fallback";
		}

	}

}
