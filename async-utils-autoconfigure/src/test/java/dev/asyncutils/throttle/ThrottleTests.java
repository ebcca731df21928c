package dev.asyncutils.throttle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.autoconfigure.AsyncUtilsProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @Throttle} through Spring on plain, {@code CompletableFuture}, {@code Mono} and
 * {@code Flux} methods: rejection at once, max-wait honoured without waiting, waiting
 * callers that start no earlier than their permit, asynchronous callers that hold no
 * thread, and permits given back by callers that give up.
 */
@Timeout(60)
class ThrottleTests {

	private static final long MS = 1_000_000L;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class));

	private void run(Class<?> configuration, ContextTest test) {
		this.runner.withUserConfiguration(configuration).run((context) -> {
			assertThat(context).hasNotFailed();
			test.run(context);
		});
	}

	private static TokenBucket bucket(AssertableApplicationContext context, String name) {
		return context.getBean(ThrottleRegistry.class).get(name);
	}

	private static Throwable failureOf(CompletableFuture<?> future) throws InterruptedException {
		try {
			future.get(10, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			return ex.getCause();
		}
		catch (TimeoutException ex) {
			throw new AssertionError("future not completed within 10s");
		}
		throw new AssertionError("future completed normally");
	}

	@Test
	void plainCallBeyondTheBurstIsRejectedAtOnceWithMaxWaitZero() {
		run(RejectingConfig.class, (context) -> {
			Rejecting service = context.getBean(Rejecting.class);
			assertThat(service.plain()).isEqualTo("ok");
			assertThat(service.plain()).isEqualTo("ok");
			assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(service::plain).satisfies((ex) -> {
				assertThat(ex.name()).isEqualTo("plain0");
				assertThat(ex.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(30));
				assertThat(ex.retryAfter()).isGreaterThan(Duration.ofMinutes(29));
				assertThat(ex.getMessage()).contains("'plain0'");
			});
			assertThat(service.invocations("plain")).isEqualTo(2);
		});
	}

	@Test
	void stageCallBeyondTheBurstFailsItsFutureAtOnce() {
		run(RejectingConfig.class, (context) -> {
			Rejecting service = context.getBean(Rejecting.class);
			assertThat(service.stage().get(10, TimeUnit.SECONDS)).isEqualTo("ok");
			assertThat(service.stage().get(10, TimeUnit.SECONDS)).isEqualTo("ok");
			CompletableFuture<String> rejected = service.stage();
			assertThat(rejected).isCompletedExceptionally();
			assertThat(failureOf(rejected)).isInstanceOfSatisfying(ThrottleRejectedException.class, (ex) -> {
				assertThat(ex.name()).isEqualTo("stage0");
				assertThat(ex.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(30));
			});
			assertThat(service.invocations("stage")).isEqualTo(2);
		});
	}

	@Test
	void monoTakesItsPermitPerSubscriptionAndIsRejectedBeyondTheBurst() {
		run(RejectingConfig.class, (context) -> {
			Rejecting service = context.getBean(Rejecting.class);
			Mono<String> first = service.mono();
			Mono<String> second = service.mono();
			Mono<String> third = service.mono();
			// assembling takes no permit and invokes nothing
			assertThat(bucket(context, "mono0").availablePermits()).isEqualTo(2);
			assertThat(service.invocations("mono")).isZero();
			StepVerifier.create(first).expectNext("ok").verifyComplete();
			StepVerifier.create(second).expectNext("ok").verifyComplete();
			StepVerifier.create(third)
				.expectErrorSatisfies(
						(ex) -> assertThat(ex).isInstanceOfSatisfying(ThrottleRejectedException.class, (rejected) -> {
							assertThat(rejected.name()).isEqualTo("mono0");
							assertThat(rejected.retryAfter()).isPositive();
						}))
				.verify(Duration.ofSeconds(10));
			// resubscribing the first mono needs a permit again
			StepVerifier.create(first).expectError(ThrottleRejectedException.class).verify(Duration.ofSeconds(10));
			assertThat(service.invocations("mono")).isEqualTo(2);
		});
	}

	@Test
	void fluxTakesItsPermitPerSubscriptionAndIsRejectedBeyondTheBurst() {
		run(RejectingConfig.class, (context) -> {
			Rejecting service = context.getBean(Rejecting.class);
			Flux<Integer> flux = service.flux();
			assertThat(service.invocations("flux")).isZero();
			StepVerifier.create(flux).expectNext(1, 2, 3).verifyComplete();
			StepVerifier.create(flux).expectNext(1, 2, 3).verifyComplete();
			StepVerifier.create(flux)
				.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(ThrottleRejectedException.class,
						(rejected) -> assertThat(rejected.name()).isEqualTo("flux0")))
				.verify(Duration.ofSeconds(10));
			assertThat(service.invocations("flux")).isEqualTo(2);
		});
	}

	@Test
	void maxWaitIsHonouredWithoutWaitingWhenRejectionIsCertain() {
		// one permit per 10s, max-wait 1s: the second call would need ~10s, so it is
		// rejected at once instead of after 1s
		run(FarPermitConfig.class, (context) -> {
			FarPermit service = context.getBean(FarPermit.class);
			service.plain();
			long start = System.nanoTime();
			assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(service::plain)
				.satisfies((ex) -> assertRetryAfterAboutTenSeconds(ex, "farPlain"));
			assertThat(elapsedSince(start)).isLessThan(Duration.ofMillis(900));

			service.stage().get(10, TimeUnit.SECONDS);
			start = System.nanoTime();
			CompletableFuture<String> rejected = service.stage();
			assertThat(elapsedSince(start)).isLessThan(Duration.ofMillis(900));
			assertThat(rejected).isCompletedExceptionally();
			assertRetryAfterAboutTenSeconds(failureOf(rejected), "farStage");

			StepVerifier.create(service.mono()).expectNext("ok").verifyComplete();
			start = System.nanoTime();
			StepVerifier.create(service.mono())
				.expectErrorSatisfies((ex) -> assertRetryAfterAboutTenSeconds(ex, "farMono"))
				.verify(Duration.ofSeconds(10));
			assertThat(elapsedSince(start)).isLessThan(Duration.ofMillis(900));

			StepVerifier.create(service.flux()).expectNext("ok").verifyComplete();
			start = System.nanoTime();
			StepVerifier.create(service.flux())
				.expectErrorSatisfies((ex) -> assertRetryAfterAboutTenSeconds(ex, "farFlux"))
				.verify(Duration.ofSeconds(10));
			assertThat(elapsedSince(start)).isLessThan(Duration.ofMillis(900));
			assertThat(service.invocations()).isEqualTo(4);
		});
	}

	private static void assertRetryAfterAboutTenSeconds(Throwable failure, String name) {
		assertThat(failure).isInstanceOfSatisfying(ThrottleRejectedException.class, (ex) -> {
			assertThat(ex.name()).isEqualTo(name);
			assertThat(ex.retryAfter()).isLessThanOrEqualTo(Duration.ofSeconds(10))
				.isGreaterThan(Duration.ofSeconds(8));
		});
	}

	@Test
	void waitingPlainCallersStartNoEarlierThanTheirPermits() {
		run(PacedConfig.class, (context) -> {
			Paced service = context.getBean(Paced.class);
			long before = System.nanoTime();
			for (int i = 0; i < 5; i++) {
				service.plain();
			}
			assertThat(elapsedSince(before)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
			assertStartsPaced(service.starts("plain"), before, 5);
			assertThat(Thread.currentThread().isInterrupted()).isFalse();
		});
	}

	@Test
	void waitingStageCallersStartNoEarlierThanTheirPermits() {
		run(PacedConfig.class, (context) -> {
			Paced service = context.getBean(Paced.class);
			long before = System.nanoTime();
			List<CompletableFuture<String>> futures = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				futures.add(service.stage());
			}
			CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(10, TimeUnit.SECONDS);
			assertStartsPaced(service.starts("stage"), before, 5);
		});
	}

	@Test
	void waitingReactiveSubscribersStartNoEarlierThanTheirPermits() {
		run(PacedConfig.class, (context) -> {
			Paced service = context.getBean(Paced.class);
			long before = System.nanoTime();
			List<String> values = Flux.range(0, 5)
				.flatMap((i) -> service.mono())
				.collectList()
				.block(Duration.ofSeconds(10));
			assertThat(values).containsOnly("ok").hasSize(5);
			assertStartsPaced(service.starts("mono"), before, 5);
			before = System.nanoTime();
			List<String> elements = Flux.range(0, 4)
				.flatMap((i) -> service.flux())
				.collectList()
				.block(Duration.ofSeconds(10));
			assertThat(elements).hasSize(8);
			assertStartsPaced(service.starts("flux"), before, 4);
		});
	}

	/**
	 * Rate 10/s, burst 1: the k-th start (in time order) is at least k x 100ms after the
	 * first reservation, which happened after {@code before}.
	 */
	private static void assertStartsPaced(List<Long> starts, long before, int expected) {
		assertThat(starts).hasSize(expected);
		List<Long> sorted = new ArrayList<>(starts);
		sorted.sort(null);
		for (int k = 0; k < sorted.size(); k++) {
			assertThat(sorted.get(k) - before).as("start %d", k).isGreaterThanOrEqualTo(k * 100 * MS);
		}
	}

	@Test
	void waitingStageCallersHoldNoThread() {
		run(ManyConfig.class, (context) -> {
			Many service = context.getBean(Many.class);
			String caller = Thread.currentThread().getName();
			long before = System.nanoTime();
			List<CompletableFuture<String>> futures = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				futures.add(service.stage());
			}
			Duration calling = elapsedSince(before);
			int startedWhenAllReturned = service.invocations();
			// at 100/s the 200th call cannot start before 1.99s; it returned long before
			assertThat(calling).isLessThan(Duration.ofMillis(1500));
			assertThat(startedWhenAllReturned).isLessThan(200);
			assertThat(futures).allSatisfy((future) -> assertThat(future).isNotCancelled());
			CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
			assertThat(service.invocations()).isEqualTo(200);
			assertThat(futures).allSatisfy((future) -> assertThat(future).isCompletedWithValue("ok"));
			List<Long> starts = service.starts();
			starts.sort(null);
			for (int k = 0; k < starts.size(); k++) {
				assertThat(starts.get(k) - before).as("start %d", k).isGreaterThanOrEqualTo(k * 10 * MS);
			}
			// a call whose permit was due when it was made ran on the caller's thread,
			// during the loop; every other one was started later by the scheduler
			List<String> threads = service.threads();
			assertThat(threads).hasSize(200);
			long onCaller = threads.stream().filter(caller::equals).count();
			assertThat(onCaller).isBetween(1L, (long) startedWhenAllReturned);
			assertThat(threads.stream().filter((name) -> !name.equals(caller)))
				.allSatisfy((name) -> assertThat(name).startsWith("async-utils-worker-"))
				.hasSize(200 - (int) onCaller);
		});
	}

	@Test
	void cancellingAWaitingStageCallerMeansTheMethodNeverRunsAndTheLatestPermitIsReturned() {
		run(FakeClockConfig.class, (context) -> {
			SlowOnFakeClock service = context.getBean(SlowOnFakeClock.class);
			TokenBucket bucket = bucket(context, "slowStage");
			assertThat(service.stage().get(10, TimeUnit.SECONDS)).isEqualTo("ok");
			CompletableFuture<String> second = service.stage();
			CompletableFuture<String> third = service.stage();
			assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofSeconds(3));
			assertThat(second.cancel(false)).isTrue();
			// not the latest reservation: the third caller counts on the permit after it
			assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofSeconds(3));
			assertThat(third.cancel(false)).isTrue();
			assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofSeconds(2));
			// the second caller's start was due after 1s (real time, as the clock stands
			// still)
			Thread.sleep(1_300);
			assertThat(service.invocations("stage")).isEqualTo(1);
			assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofSeconds(2));
		});
	}

	@Test
	void cancellingAWaitingSubscriptionMeansTheMethodNeverRunsAndThePermitIsReturned() {
		run(FakeClockConfig.class, (context) -> {
			SlowOnFakeClock service = context.getBean(SlowOnFakeClock.class);
			TokenBucket bucket = bucket(context, "slowMono");
			StepVerifier.create(service.mono()).expectNext("ok").verifyComplete();
			assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofSeconds(1));
			AtomicReference<Object> signal = new AtomicReference<>();
			Disposable waiting = service.mono().subscribe(signal::set, signal::set);
			assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofSeconds(2));
			waiting.dispose();
			assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofSeconds(1));
			Thread.sleep(1_300);
			assertThat(service.invocations("mono")).isEqualTo(1);
			assertThat(signal.get()).isNull();
		});
	}

	@Test
	void interruptedPlainCallerIsRejectedKeepsTheFlagAndNeverRunsTheMethod() {
		run(FakeClockConfig.class, (context) -> {
			SlowOnFakeClock service = context.getBean(SlowOnFakeClock.class);
			TokenBucket bucket = bucket(context, "slowPlain");
			assertThat(service.plain()).isEqualTo("ok");
			AtomicReference<Throwable> failure = new AtomicReference<>();
			AtomicReference<Boolean> interrupted = new AtomicReference<>();
			Thread caller = new Thread(() -> {
				try {
					service.plain();
				}
				catch (Throwable ex) {
					failure.set(ex);
				}
				interrupted.set(Thread.currentThread().isInterrupted());
			});
			caller.start();
			TokenBucketTests.awaitUntil(() -> bucket.timeUntilPermit().equals(Duration.ofSeconds(2)));
			Thread.sleep(50);
			assertThat(caller.isAlive()).isTrue();
			caller.interrupt();
			caller.join(10_000);
			assertThat(caller.isAlive()).isFalse();
			assertThat(failure.get()).isInstanceOfSatisfying(ThrottleRejectedException.class, (ex) -> {
				assertThat(ex.name()).isEqualTo("slowPlain");
				assertThat(ex.getMessage()).contains("interrupted");
			});
			assertThat(interrupted.get()).isTrue();
			assertThat(service.invocations("plain")).isEqualTo(1);
			assertThat(bucket.timeUntilPermit()).isEqualTo(Duration.ofSeconds(1));
		});
	}

	private static Duration elapsedSince(long start) {
		return Duration.ofNanos(System.nanoTime() - start);
	}

	@FunctionalInterface
	interface ContextTest {

		void run(AssertableApplicationContext context) throws Exception;

	}

	/**
	 * Counts invocations per method, records start instants and threads.
	 */
	static class Recorder {

		private final Map<String, ConcurrentLinkedQueue<Long>> starts = new ConcurrentHashMap<>();

		private final ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();

		void record(String kind) {
			this.starts.computeIfAbsent(kind, (key) -> new ConcurrentLinkedQueue<>()).add(System.nanoTime());
			this.threads.add(Thread.currentThread().getName());
		}

		int invocations(String kind) {
			return starts(kind).size();
		}

		int invocations() {
			return this.threads.size();
		}

		List<Long> starts(String kind) {
			return new ArrayList<>(this.starts.getOrDefault(kind, new ConcurrentLinkedQueue<>()));
		}

		List<String> threads() {
			return new ArrayList<>(this.threads);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RejectingConfig {

		@Bean
		Rejecting rejecting() {
			return new Rejecting(new Recorder());
		}

	}

	static class Rejecting {

		private final Recorder recorder;

		Rejecting(Recorder recorder) {
			this.recorder = recorder;
		}

		@Throttle(name = "plain0", rate = 2, per = "1h", maxWait = "0")
		public String plain() {
			this.recorder.record("plain");
			return "ok";
		}

		@Throttle(name = "stage0", rate = 2, per = "1h", maxWait = "0")
		public CompletableFuture<String> stage() {
			this.recorder.record("stage");
			return CompletableFuture.completedFuture("ok");
		}

		@Throttle(name = "mono0", rate = 2, per = "1h", maxWait = "0")
		public Mono<String> mono() {
			this.recorder.record("mono");
			return Mono.just("ok");
		}

		@Throttle(name = "flux0", rate = 2, per = "1h", maxWait = "0")
		public Flux<Integer> flux() {
			this.recorder.record("flux");
			return Flux.just(1, 2, 3);
		}

		int invocations(String kind) {
			return this.recorder.invocations(kind);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FarPermitConfig {

		@Bean
		FarPermit farPermit() {
			return new FarPermit(new Recorder());
		}

	}

	static class FarPermit {

		private final Recorder recorder;

		FarPermit(Recorder recorder) {
			this.recorder = recorder;
		}

		@Throttle(name = "farPlain", rate = 0.1, burst = 1, maxWait = "1s")
		public String plain() {
			this.recorder.record("plain");
			return "ok";
		}

		@Throttle(name = "farStage", rate = 0.1, burst = 1, maxWait = "1s")
		public CompletableFuture<String> stage() {
			this.recorder.record("stage");
			return CompletableFuture.completedFuture("ok");
		}

		@Throttle(name = "farMono", rate = 0.1, burst = 1, maxWait = "1s")
		public Mono<String> mono() {
			this.recorder.record("mono");
			return Mono.just("ok");
		}

		@Throttle(name = "farFlux", rate = 0.1, burst = 1, maxWait = "1s")
		public Flux<String> flux() {
			this.recorder.record("flux");
			return Flux.just("ok");
		}

		int invocations() {
			return this.recorder.invocations();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PacedConfig {

		@Bean
		Paced paced() {
			return new Paced(new Recorder());
		}

	}

	static class Paced {

		private final Recorder recorder;

		Paced(Recorder recorder) {
			this.recorder = recorder;
		}

		@Throttle(name = "pacedPlain", rate = 10, burst = 1)
		public String plain() {
			this.recorder.record("plain");
			return "ok";
		}

		@Throttle(name = "pacedStage", rate = 10, burst = 1)
		public CompletableFuture<String> stage() {
			this.recorder.record("stage");
			return CompletableFuture.completedFuture("ok");
		}

		@Throttle(name = "pacedMono", rate = 10, burst = 1)
		public Mono<String> mono() {
			this.recorder.record("mono");
			return Mono.just("ok");
		}

		@Throttle(name = "pacedFlux", rate = 10, burst = 1)
		public Flux<String> flux() {
			this.recorder.record("flux");
			return Flux.just("a", "b");
		}

		List<Long> starts(String kind) {
			return this.recorder.starts(kind);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ManyConfig {

		@Bean
		Many many() {
			return new Many(new Recorder());
		}

	}

	static class Many {

		private final Recorder recorder;

		Many(Recorder recorder) {
			this.recorder = recorder;
		}

		@Throttle(rate = 100, burst = 1)
		public CompletableFuture<String> stage() {
			this.recorder.record("stage");
			return CompletableFuture.completedFuture("ok");
		}

		int invocations() {
			return this.recorder.invocations();
		}

		List<Long> starts() {
			return this.recorder.starts("stage");
		}

		List<String> threads() {
			return this.recorder.threads();
		}

	}

	/**
	 * The registry on a clock that only moves when a test moves it.
	 */
	@Configuration(proxyBeanMethods = false)
	static class FakeClockConfig {

		@Bean
		FakeClock fakeClock() {
			return new FakeClock();
		}

		@Bean
		ThrottleRegistry throttleRegistry(AsyncUtilsProperties properties, FakeClock clock) {
			return new ThrottleRegistry(properties.getThrottle(), clock);
		}

		@Bean
		SlowOnFakeClock slowOnFakeClock() {
			return new SlowOnFakeClock(new Recorder());
		}

	}

	static final class FakeClock implements LongSupplier {

		private final AtomicLong now = new AtomicLong(TimeUnit.DAYS.toNanos(3));

		@Override
		public long getAsLong() {
			return this.now.get();
		}

	}

	static class SlowOnFakeClock {

		private final Recorder recorder;

		SlowOnFakeClock(Recorder recorder) {
			this.recorder = recorder;
		}

		@Throttle(name = "slowPlain", rate = 1)
		public String plain() {
			this.recorder.record("plain");
			return "ok";
		}

		@Throttle(name = "slowStage", rate = 1)
		public CompletableFuture<String> stage() {
			this.recorder.record("stage");
			return CompletableFuture.completedFuture("ok");
		}

		@Throttle(name = "slowMono", rate = 1)
		public Mono<String> mono() {
			this.recorder.record("mono");
			return Mono.just("ok");
		}

		int invocations(String kind) {
			return this.recorder.invocations(kind);
		}

	}

}
