package dev.asyncutils.observe;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * With a real {@link ObservationRegistry} (Micrometer's test registry, which also checks
 * that every observation is started, stopped and scoped correctly) each guarded call is
 * an observation {@code asyncutils.call} with the keys {@code name}, {@code kinds} and
 * {@code outcome}, its retries, timeouts, rejections and fallbacks are events, the
 * observation is current in the method, and an asynchronous call's observation ends with
 * its stage or publisher. Without a registry, or with the no-op one, nothing is observed
 * and nothing allocated.
 */
class ObservationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(TaskExecutionAutoConfiguration.class, AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Guarded.Config.class);

	private ApplicationContextRunner observed() {
		return this.runner.withUserConfiguration(Observed.class);
	}

	@Test
	void aPlainCallIsOneObservationWithItsRetriesAsEvents() {
		observed().run((context) -> {
			Recorder recorder = context.getBean(Recorder.class);
			Guarded guarded = context.getBean(Guarded.class);
			assertThat(guarded.flakyOnce()).isEqualTo("ok");
			Observation.Context call = recorder.onlyStopped();
			assertThat(call.getName()).isEqualTo("asyncutils.call");
			assertThat(keys(call))
				.isEqualTo(Map.of("name", "inventory", "kinds", "retry,timeout", "outcome", "success"));
			assertThat(call.getContextualName()).isEqualTo("inventory");
			assertThat(recorder.events(call)).containsExactly("retry");
			// the observation was current in both attempts of the method
			assertThat(guarded.seen()).containsExactly(call, call);
		});
	}

	@Test
	void failuresSetTheOutcomeAndTheError() {
		observed().run((context) -> {
			Recorder recorder = context.getBean(Recorder.class);
			Guarded guarded = context.getBean(Guarded.class);
			assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(guarded::slow);
			Observation.Context timedOut = recorder.onlyStopped();
			assertThat(keys(timedOut)).containsEntry("outcome", "timeout").containsEntry("kinds", "timeout");
			assertThat(timedOut.getError()).isInstanceOf(TimeoutExceededException.class);
			assertThat(recorder.events(timedOut)).containsExactly("timeout");
			recorder.clear();

			guarded.throttled();
			assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(guarded::throttled);
			assertThat(recorder.stopped).extracting((observation) -> keys(observation).get("outcome"))
				.containsExactly("success", "rejected");
			assertThat(recorder.events(recorder.stopped.get(1))).containsExactly("rejected");
			recorder.clear();

			// burst 1, 20 per second: the second call waits about 50 ms for its permit
			guarded.paced();
			guarded.paced();
			assertThat(recorder.stopped).hasSize(2);
			assertThat(recorder.events(recorder.stopped.get(0))).isEmpty();
			assertThat(recorder.events(recorder.stopped.get(1))).containsExactly("wait");
			recorder.clear();

			assertThat(guarded.recovers()).isEqualTo("fallback");
			Observation.Context recovered = recorder.onlyStopped();
			assertThat(keys(recovered))
				.isEqualTo(Map.of("name", "Guarded.recovers", "kinds", "fallback", "outcome", "success"));
			assertThat(recorder.events(recovered)).containsExactly("fallback");
		});
	}

	@Test
	void anAsynchronousCallEndsItsObservationWhenItsStageCompletes() {
		observed().run((context) -> {
			Recorder recorder = context.getBean(Recorder.class);
			Guarded guarded = context.getBean(Guarded.class);
			CompletableFuture<String> pending = guarded.later();
			assertThat(recorder.started).hasSize(1);
			assertThat(recorder.stopped).isEmpty();
			assertThat(guarded.seen()).containsExactly(recorder.started.get(0));
			guarded.gate().complete("done");
			assertThat(pending.get(5, TimeUnit.SECONDS)).isEqualTo("done");
			Observation.Context call = recorder.onlyStopped();
			assertThat(keys(call)).containsEntry("outcome", "success").containsEntry("kinds", "timeout");
		});
	}

	@Test
	void reactiveCallsAreObservedPerSubscription() {
		observed().run((context) -> {
			Recorder recorder = context.getBean(Recorder.class);
			Guarded guarded = context.getBean(Guarded.class);
			Mono<String> mono = guarded.mono();
			assertThat(recorder.started).isEmpty();
			assertThat(mono.block()).isEqualTo("mono");
			assertThat(mono.block()).isEqualTo("mono");
			assertThat(recorder.stopped).hasSize(2)
				.allSatisfy((call) -> assertThat(keys(call)).containsEntry("outcome", "success"));
			assertThat(guarded.seen()).containsExactlyElementsOf(recorder.stopped);
			recorder.clear();
			assertThat(guarded.flux().take(2).collectList().block()).containsExactly(1, 2);
			assertThat(keys(recorder.onlyStopped())).containsEntry("outcome", "cancelled");
		});
	}

	@Test
	void withoutARegistryOrWithTheNoopOneNothingIsObservedOrAllocated() {
		long[] withoutRegistry = new long[1];
		this.runner.run((context) -> withoutRegistry[0] = allocatedPerCall(context.getBean(Guarded.class)));
		long[] withNoop = new long[1];
		this.runner.withBean(ObservationRegistry.class, () -> ObservationRegistry.NOOP)
			.run((context) -> withNoop[0] = allocatedPerCall(context.getBean(Guarded.class)));
		long[] withoutHandlers = new long[1];
		this.runner.withBean(ObservationRegistry.class, ObservationRegistry::create)
			.run((context) -> withoutHandlers[0] = allocatedPerCall(context.getBean(Guarded.class)));
		assertThat(withNoop[0]).as("bytes per call with the no-op registry").isLessThanOrEqualTo(withoutRegistry[0]);
		assertThat(withoutHandlers[0]).as("bytes per call with a registry without handlers")
			.isLessThanOrEqualTo(withoutRegistry[0]);
	}

	private static long allocatedPerCall(Guarded guarded) throws Exception {
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
		@SuppressWarnings("deprecation")
		long thread = Thread.currentThread().getId();
		long best = Long.MAX_VALUE;
		for (int round = 0; round < 5; round++) {
			long before = threads.getThreadAllocatedBytes(thread);
			for (int i = 0; i < 20_000; i++) {
				guarded.cheap();
			}
			best = Math.min(best, (threads.getThreadAllocatedBytes(thread) - before) / 20_000);
		}
		return best;
	}

	@Configuration(proxyBeanMethods = false)
	static class Observed {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		TestObservationRegistry observationRegistry(Recorder recorder) {
			TestObservationRegistry registry = TestObservationRegistry.create();
			registry.observationConfig().observationHandler(recorder);
			return registry;
		}

	}

	static Map<String, String> keys(Observation.Context context) {
		Map<String, String> keys = new java.util.TreeMap<>();
		context.getLowCardinalityKeyValues().forEach((keyValue) -> keys.put(keyValue.getKey(), keyValue.getValue()));
		return keys;
	}

	static class Recorder implements ObservationHandler<Observation.Context> {

		final List<Observation.Context> started = new CopyOnWriteArrayList<>();

		final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

		final Map<Observation.Context, List<String>> events = new ConcurrentHashMap<>();

		@Override
		public void onStart(Observation.Context context) {
			this.started.add(context);
		}

		@Override
		public void onEvent(Observation.Event event, Observation.Context context) {
			this.events.computeIfAbsent(context, (key) -> new CopyOnWriteArrayList<>()).add(event.getName());
		}

		@Override
		public void onStop(Observation.Context context) {
			this.stopped.add(context);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

		Observation.Context onlyStopped() {
			assertThat(this.stopped).hasSize(1);
			return this.stopped.get(0);
		}

		List<String> events(Observation.Context context) {
			return this.events.getOrDefault(context, List.of());
		}

		void clear() {
			this.started.clear();
			this.stopped.clear();
			this.events.clear();
		}

	}

	static class Guarded {

		final List<Observation.Context> seen = new CopyOnWriteArrayList<>();

		final CompletableFuture<String> gate = new CompletableFuture<>();

		private final AtomicInteger attempts = new AtomicInteger();

		private ObservationRegistry registry = ObservationRegistry.NOOP;

		List<Observation.Context> seen() {
			return this.seen;
		}

		CompletableFuture<String> gate() {
			return this.gate;
		}

		private void see() {
			Observation current = this.registry.getCurrentObservation();
			if (current != null) {
				this.seen.add(current.getContext());
			}
		}

		@Retry(name = "inventory", delay = "1ms")
		@Timeout(name = "inventory", value = "5s")
		public String flakyOnce() {
			see();
			if (this.attempts.incrementAndGet() == 1) {
				throw new IllegalStateException("once");
			}
			return "ok";
		}

		@Timeout("50ms")
		public String slow() throws InterruptedException {
			Thread.sleep(5_000);
			return "slow";
		}

		@Throttle(rate = 1, per = "1h", maxWait = "0")
		public void throttled() {
		}

		@Throttle(rate = 20, burst = 1)
		public void paced() {
		}

		@Fallback("fallback")
		public String recovers() {
			throw new IllegalArgumentException("bad");
		}

		String fallback() {
			return "fallback";
		}

		@Timeout("5s")
		public CompletableFuture<String> later() {
			see();
			return this.gate.thenApply((value) -> value);
		}

		@Timeout("5s")
		public Mono<String> mono() {
			return Mono.fromSupplier(() -> {
				see();
				return "mono";
			});
		}

		@Timeout("5s")
		public Flux<Integer> flux() {
			return Flux.range(1, 10);
		}

		@Retry
		public int cheap() {
			return 1;
		}

		@Configuration(proxyBeanMethods = false)
		static class Config {

			@Bean
			Guarded guarded(org.springframework.beans.factory.ObjectProvider<ObservationRegistry> registry) {
				Guarded guarded = new Guarded();
				guarded.registry = registry.getIfAvailable(() -> ObservationRegistry.NOOP);
				return guarded;
			}

		}

	}

}
