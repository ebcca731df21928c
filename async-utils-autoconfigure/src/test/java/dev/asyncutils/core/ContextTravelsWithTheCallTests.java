package dev.asyncutils.core;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.context.ContextRegistry;
import io.micrometer.context.integration.Slf4jThreadLocalAccessor;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Debounce;
import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Issue 13, "context travels with the call": values of every {@code ThreadLocalAccessor}
 * registered with Micrometer's {@link ContextRegistry} (MDC through
 * {@link Slf4jThreadLocalAccessor}, and an application's own) are captured at the guarded
 * call and in place around the user code run for it on the application executor: delayed
 * attempts, delayed starts, cleanup methods, operators after a reactive retry. The worker
 * thread holds none of them afterwards.
 */
class ContextTravelsWithTheCallTests {

	static final ThreadLocal<String> TENANT = new ThreadLocal<>();

	private static final String TENANT_KEY = "test.tenant";

	private final ExecutorService worker = Executors.newSingleThreadExecutor((task) -> new Thread(task, "app-worker"));

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withBean("applicationTaskExecutor", ExecutorService.class, () -> this.worker)
		.withUserConfiguration(Config.class);

	@BeforeEach
	void register() {
		ContextRegistry.getInstance().registerThreadLocalAccessor(TENANT_KEY, TENANT::get, TENANT::set, TENANT::remove);
		ContextRegistry.getInstance().registerThreadLocalAccessor(new Slf4jThreadLocalAccessor());
		TENANT.set("acme");
		MDC.put("requestId", "r-42");
	}

	@AfterEach
	void unregister() {
		TENANT.remove();
		MDC.clear();
		ContextRegistry.getInstance().removeThreadLocalAccessor(TENANT_KEY);
		ContextRegistry.getInstance().removeThreadLocalAccessor(Slf4jThreadLocalAccessor.KEY);
		this.worker.shutdownNow();
	}

	@Test
	void asyncRetryDelayedAttemptSeesTheCallersContext() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			assertThat(guarded.flakyStage().get(10, TimeUnit.SECONDS)).isEqualTo("ok");
			assertThat(seen(context).poll(10, TimeUnit.SECONDS)).isEqualTo("app-worker acme r-42");
			assertWorkerCleared();
		});
	}

	@Test
	void delayedStartAfterAThrottleWaitSeesTheCallersContext() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			guarded.throttled("first").get(10, TimeUnit.SECONDS);
			assertThat(seen(context).poll(10, TimeUnit.SECONDS)).endsWith(" acme r-42 first");
			TENANT.set("globex");
			MDC.put("requestId", "r-43");
			CompletableFuture<String> delayed = guarded.throttled("second");
			TENANT.remove();
			MDC.clear();
			delayed.get(10, TimeUnit.SECONDS);
			assertThat(seen(context).poll(10, TimeUnit.SECONDS)).isEqualTo("app-worker globex r-43 second");
			assertWorkerCleared();
		});
	}

	@Test
	void aStageCallAnsweredAtOnceCapturesNothingAndOneThatWaitsCapturesBeforeItWaits() {
		AtomicInteger reads = new AtomicInteger();
		ContextRegistry.getInstance().registerThreadLocalAccessor("test.reads", () -> {
			reads.incrementAndGet();
			return null;
		}, (value) -> {
		}, () -> {
		});
		try {
			this.runner.run((context) -> {
				Guarded guarded = context.getBean(Guarded.class);
				assertThat(guarded.retriedAtOnce().get(10, TimeUnit.SECONDS)).isEqualTo("ok");
				assertThat(guarded.throttled("first").get(10, TimeUnit.SECONDS)).isEqualTo("first");
				// both answered at once: no accessor was read
				assertThat(reads).hasValue(0);
				assertThat(seen(context).poll(10, TimeUnit.SECONDS)).endsWith(" acme r-42 first");
				TENANT.set("globex");
				CompletableFuture<String> delayed = guarded.throttled("second");
				// captured on this thread before the call waited for its permit
				assertThat(reads.get()).isPositive();
				TENANT.remove();
				assertThat(delayed.get(10, TimeUnit.SECONDS)).isEqualTo("second");
				assertThat(seen(context).poll(10, TimeUnit.SECONDS)).isEqualTo("app-worker globex r-42 second");
				assertWorkerCleared();
			});
		}
		finally {
			ContextRegistry.getInstance().removeThreadLocalAccessor("test.reads");
		}
	}

	@Test
	void aRetriedAttemptThatWaitsForASlotOnAWorkerStillSeesTheCallersContext() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			CompletableFuture<String> holder = new CompletableFuture<>();
			// the first attempt fails later, on a thread of its own; the second one waits
			// for the slot the holder keeps, on a worker, and starts when it is freed
			CompletableFuture<String> failing = new CompletableFuture<>();
			TENANT.set("globex");
			CompletableFuture<String> result = guarded.retriedBounded(failing);
			TENANT.set("other");
			guarded.retriedBounded(holder);
			TENANT.remove();
			new Thread(() -> failing.completeExceptionally(new IOException("first attempt")), "user-thread").start();
			Thread.sleep(100);
			holder.complete("holder");
			assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("retried app-worker globex r-42");
			assertWorkerCleared();
		});
	}

	@Test
	void cleanupMethodsSeeTheCallersContext() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			assertThat(guarded.slowStage(new CompletableFuture<>()).handle((value, ex) -> ex).get(10, TimeUnit.SECONDS))
				.isInstanceOf(TimeoutExceededException.class);
			assertThat(seen(context).poll(10, TimeUnit.SECONDS)).isEqualTo("cleanup app-worker acme r-42");
			assertThat(catchThrowable(guarded::slowPlain)).isInstanceOf(TimeoutExceededException.class);
			assertThat(seen(context).poll(10, TimeUnit.SECONDS)).isEqualTo("cleanup app-worker acme r-42");
			assertWorkerCleared();
		});
	}

	@Test
	void reactiveRetrySubscriptionAndOperatorsSeeTheCallersContext() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			Mono<String> mono = guarded.flakyMono().map((value) -> value + " mapped " + describe());
			String result = mono.block(Duration.ofSeconds(10));
			assertThat(seen(context).poll(10, TimeUnit.SECONDS)).isEqualTo("app-worker acme r-42");
			assertThat(result).isEqualTo("ok mapped app-worker acme r-42");
			assertWorkerCleared();
		});
	}

	@Test
	void fallbackMethodsSeeTheCallersContext() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			// after the last of delayed attempts, on the worker that ran it
			assertThat(guarded.failingStage().get(10, TimeUnit.SECONDS)).isEqualTo("fallback app-worker acme r-42");
			// after a deadline, on the worker that ends the call
			assertThat(guarded.timedOutStage(new CompletableFuture<>()).get(10, TimeUnit.SECONDS))
				.isEqualTo("fallback app-worker acme r-42");
			// after the last of delayed attempts of a Mono
			assertThat(guarded.failingMono().block(Duration.ofSeconds(10))).isEqualTo("fallback app-worker acme r-42");
			assertWorkerCleared();
		});
	}

	@Test
	void theCurrentObservationTravelsToADelayedAttempt() {
		ObservationRegistry observations = ObservationRegistry.create();
		observations.observationConfig().observationHandler((context) -> true);
		ObservationRegistry previous = ObservationThreadLocalAccessor.getInstance().getObservationRegistry();
		ObservationThreadLocalAccessor.getInstance().setObservationRegistry(observations);
		try {
			observedStageRun(observations);
		}
		finally {
			ObservationThreadLocalAccessor.getInstance().setObservationRegistry(previous);
		}
	}

	private void observedStageRun(ObservationRegistry observations) {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			Observation request = Observation.start("http.server.request", observations);
			CompletableFuture<String> result;
			try (Observation.Scope scope = request.openScope()) {
				result = guarded.observedStage(observations);
			}
			assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo("app-worker http.server.request");
			request.stop();
			assertThat(this.worker.submit(() -> observations.getCurrentObservation()).get(10, TimeUnit.SECONDS))
				.isNull();
		});
	}

	@Test
	void aDebouncedRunSeesItsLastCallersContext() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			guarded.debounced("first");
			TENANT.set("globex");
			MDC.put("requestId", "r-43");
			guarded.debounced("last");
			TENANT.remove();
			MDC.clear();
			assertThat(seen(context).poll(10, TimeUnit.SECONDS)).isEqualTo("debounced app-worker globex r-43 last");
			TENANT.set("initech");
			MDC.put("requestId", "r-44");
			CompletableFuture<String> stage = guarded.debouncedStage("stage");
			TENANT.remove();
			MDC.clear();
			assertThat(stage.get(10, TimeUnit.SECONDS)).isEqualTo("debounced app-worker initech r-44 stage");
			assertWorkerCleared();
		});
	}

	private static BlockingQueue<String> seen(org.springframework.context.ApplicationContext context) {
		return context.getBean(Seen.class).values;
	}

	private void assertWorkerCleared() throws Exception {
		assertThat(this.worker.submit(ContextTravelsWithTheCallTests::describe).get(10, TimeUnit.SECONDS))
			.isEqualTo("app-worker null null");
	}

	static String describe() {
		return Thread.currentThread().getName() + " " + TENANT.get() + " " + MDC.get("requestId");
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Seen seen() {
			return new Seen();
		}

		@Bean
		Guarded guarded(Seen seen) {
			return new Guarded(seen.values);
		}

	}

	static class Seen {

		final BlockingQueue<String> values = new LinkedBlockingQueue<>();

	}

	static class Guarded {

		private final BlockingQueue<String> seen;

		Guarded(BlockingQueue<String> seen) {
			this.seen = seen;
		}

		private final AtomicInteger attempts = new AtomicInteger();

		@Retry(delay = "20ms")
		public CompletableFuture<String> flakyStage() {
			if (this.attempts.incrementAndGet() == 1) {
				return CompletableFuture.failedFuture(new IOException("first attempt"));
			}
			this.seen.add(describe());
			return CompletableFuture.completedFuture("ok");
		}

		private final AtomicInteger boundedCalls = new AtomicInteger();

		@Retry(maxAttempts = 2, delay = "1ms")
		@dev.asyncutils.annotation.Bounded(value = 1, maxWait = "5s")
		public CompletableFuture<String> retriedBounded(CompletableFuture<String> first) {
			if (this.boundedCalls.incrementAndGet() <= 2) {
				return first;
			}
			return CompletableFuture.completedFuture("retried " + describe());
		}

		@Retry(maxAttempts = 3, delay = "1ms")
		public CompletableFuture<String> retriedAtOnce() {
			return CompletableFuture.completedFuture("ok");
		}

		@Throttle(rate = 1, per = "2s", burst = 1)
		public CompletableFuture<String> throttled(String label) {
			this.seen.add(describe() + " " + label);
			return CompletableFuture.completedFuture(label);
		}

		@Timeout(value = "50ms", cleanup = "cleanup")
		public CompletableFuture<String> slowStage(CompletableFuture<String> inner) {
			return inner;
		}

		@Timeout(value = "50ms", cleanup = "cleanup")
		public String slowPlain() {
			long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(150);
			while (System.nanoTime() < end) {
				Thread.onSpinWait();
			}
			return "late";
		}

		void cleanup() {
			this.seen.add("cleanup " + describe());
		}

		@Retry(maxAttempts = 2, delay = "20ms")
		@Fallback("recoverStage")
		public CompletableFuture<String> failingStage() {
			return CompletableFuture.failedFuture(new IOException("always"));
		}

		@Timeout("50ms")
		@Fallback("recoverTimedOut")
		public CompletableFuture<String> timedOutStage(CompletableFuture<String> inner) {
			return inner;
		}

		CompletableFuture<String> recoverStage() {
			return CompletableFuture.completedFuture("fallback " + describe());
		}

		CompletableFuture<String> recoverTimedOut(CompletableFuture<String> inner) {
			return recoverStage();
		}

		@Retry(maxAttempts = 2, delay = "20ms")
		@Fallback("recoverMono")
		public Mono<String> failingMono() {
			return Mono.error(new IOException("always"));
		}

		Mono<String> recoverMono() {
			return Mono.just("fallback " + describe());
		}

		@Retry(delay = "20ms")
		public CompletableFuture<String> observedStage(ObservationRegistry observations) {
			if (this.attempts.incrementAndGet() == 1) {
				return CompletableFuture.failedFuture(new IOException("first attempt"));
			}
			Observation current = observations.getCurrentObservation();
			return CompletableFuture.completedFuture(Thread.currentThread().getName() + " "
					+ ((current != null) ? current.getContextView().getName() : null));
		}

		@Debounce("50ms")
		public void debounced(String label) {
			this.seen.add("debounced " + describe() + " " + label);
		}

		@Debounce("50ms")
		public CompletableFuture<String> debouncedStage(String label) {
			return CompletableFuture.completedFuture("debounced " + describe() + " " + label);
		}

		@Retry(delay = "20ms")
		public Mono<String> flakyMono() {
			return Mono.defer(() -> {
				if (this.attempts.incrementAndGet() == 1) {
					return Mono.error(new IOException("first attempt"));
				}
				this.seen.add(describe());
				return Mono.just("ok");
			});
		}

	}

}
