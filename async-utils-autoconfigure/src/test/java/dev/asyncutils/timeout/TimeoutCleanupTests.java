package dev.asyncutils.timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.core.AsyncUtilsScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

/**
 * The {@code cleanup} method of {@code @Timeout}: called exactly once per timed-out
 * invocation (plain, {@code CompletableFuture}, {@code Mono}, {@code Flux}), with the
 * guarded method's arguments or with none, never on success, private methods included.
 */
class TimeoutCleanupTests {

	private static final Duration VERIFY = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void plainMethodCleanupIsCalledOnceWithTheSameArguments() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			Cleanups cleanups = context.getBean(Cleanups.class);
			assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(() -> guarded.plain("a", 1));
			awaitStable(cleanups, 1);
			assertThat(cleanups.calls).containsExactly("release(a, 1)");
			assertThat(cleanups.threads).singleElement().asString().startsWith("async-utils-worker-");
		});
	}

	@Test
	void everyTimedOutInvocationGetsItsOwnCleanup() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			Cleanups cleanups = context.getBean(Cleanups.class);
			for (int i = 1; i <= 3; i++) {
				int n = i;
				assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(() -> guarded.plain("call", n));
			}
			awaitStable(cleanups, 3);
			assertThat(cleanups.calls).containsExactlyInAnyOrder("release(call, 1)", "release(call, 2)",
					"release(call, 3)");
		});
	}

	@Test
	void cleanupWithoutParametersIsCalledWithNone() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			Cleanups cleanups = context.getBean(Cleanups.class);
			assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(() -> guarded.plainNoArgs("b"));
			awaitStable(cleanups, 1);
			assertThat(cleanups.calls).containsExactly("reset()");
		});
	}

	@Test
	void cleanupWithTheSameParametersIsPreferredOverOneWithout() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			Cleanups cleanups = context.getBean(Cleanups.class);
			assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(() -> guarded.overloaded("c"));
			awaitStable(cleanups, 1);
			assertThat(cleanups.calls).containsExactly("undo(c)");
		});
	}

	@Test
	void failingCleanupDoesNotChangeWhatTheCallerGets() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			Cleanups cleanups = context.getBean(Cleanups.class);
			assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(guarded::failingCleanup)
				.satisfies((ex) -> assertThat(ex.name()).isEqualTo("Guarded.failingCleanup"));
			awaitStable(cleanups, 1);
			assertThat(cleanups.calls).containsExactly("explode()");
			// the scheduler is still healthy: the next deadline and cleanup work
			assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(() -> guarded.plain("after", 2));
			awaitStable(cleanups, 2);
			assertThat(cleanups.calls).containsExactly("explode()", "release(after, 2)");
		});
	}

	@Test
	void futureCleanupIsCalledOnceWithTheSameArguments() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			Cleanups cleanups = context.getBean(Cleanups.class);
			CompletableFuture<String> result = guarded.future("d", 4);
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> result.get(10, TimeUnit.SECONDS))
				.withCauseInstanceOf(TimeoutExceededException.class);
			awaitStable(cleanups, 1);
			assertThat(cleanups.calls).containsExactly("release(d, 4)");
		});
	}

	@Test
	void monoCleanupIsCalledOnceWithTheSameArguments() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			Cleanups cleanups = context.getBean(Cleanups.class);
			StepVerifier.create(guarded.mono("e", 5))
				.expectSubscription()
				.expectError(TimeoutExceededException.class)
				.verify(VERIFY);
			awaitStable(cleanups, 1);
			assertThat(cleanups.calls).containsExactly("release(e, 5)");
		});
	}

	@Test
	void monoCleanupIsCalledOncePerTimedOutSubscription() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			Cleanups cleanups = context.getBean(Cleanups.class);
			Mono<String> mono = guarded.mono("f", 6);
			StepVerifier.create(mono).expectSubscription().expectError(TimeoutExceededException.class).verify(VERIFY);
			StepVerifier.create(mono).expectSubscription().expectError(TimeoutExceededException.class).verify(VERIFY);
			awaitStable(cleanups, 2);
			assertThat(cleanups.calls).containsExactly("release(f, 6)", "release(f, 6)");
		});
	}

	@Test
	void fluxCleanupIsCalledOnceWithTheSameArguments() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			Cleanups cleanups = context.getBean(Cleanups.class);
			StepVerifier.create(guarded.flux("g", 7))
				.expectNext("g")
				.expectError(TimeoutExceededException.class)
				.verify(VERIFY);
			awaitStable(cleanups, 1);
			assertThat(cleanups.calls).containsExactly("release(g, 7)");
		});
	}

	@Test
	void cleanupIsNeverCalledWhenTheCallSucceeds() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			Cleanups cleanups = context.getBean(Cleanups.class);
			assertThat(guarded.fastPlain("h", 8)).isEqualTo("h8");
			assertThat(guarded.fastFuture("h", 9).get(10, TimeUnit.SECONDS)).isEqualTo("h9");
			StepVerifier.create(guarded.fastMono("h", 10)).expectNext("h10").expectComplete().verify(VERIFY);
			StepVerifier.create(guarded.fastFlux("h", 11)).expectNext("h", "11").expectComplete().verify(VERIFY);
			IllegalStateException failure = new IllegalStateException("own");
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> guarded.fastFailure(failure))
				.isSameAs(failure);
			// every deadline is gone, so no cleanup can come later
			AsyncUtilsScheduler executor = context.getBean(AsyncUtilsScheduler.class);
			await(() -> executor.isIdle());
			assertThat(cleanups.calls).isEmpty();
		});
	}

	private static void awaitStable(Cleanups cleanups, int expected) throws InterruptedException {
		await(() -> cleanups.calls.size() >= expected);
		// and no more arrive later
		Thread.sleep(150);
		assertThat(cleanups.calls).hasSize(expected);
	}

	private static void await(BooleanSupplier condition) throws InterruptedException {
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > end) {
				fail("timed out waiting");
			}
			Thread.sleep(5);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Cleanups cleanups() {
			return new Cleanups();
		}

		@Bean
		Guarded guarded(Cleanups cleanups) {
			return new Guarded(cleanups);
		}

	}

	static class Cleanups {

		final List<String> calls = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		void record(String call) {
			this.threads.add(Thread.currentThread().getName());
			this.calls.add(call);
		}

	}

	static class Guarded {

		private final Cleanups cleanups;

		Guarded(Cleanups cleanups) {
			this.cleanups = cleanups;
		}

		@Timeout(value = "50ms", cleanup = "release")
		public String plain(String id, int n) throws InterruptedException {
			Thread.sleep(10_000);
			return id + n;
		}

		@Timeout(value = "50ms", cleanup = "reset")
		public String plainNoArgs(String id) throws InterruptedException {
			Thread.sleep(10_000);
			return id;
		}

		@Timeout(value = "50ms", cleanup = "undo")
		public String overloaded(String id) throws InterruptedException {
			Thread.sleep(10_000);
			return id;
		}

		@Timeout(value = "50ms", cleanup = "explode")
		public String failingCleanup() throws InterruptedException {
			Thread.sleep(10_000);
			return "never";
		}

		@Timeout(value = "50ms", cleanup = "release")
		public CompletableFuture<String> future(String id, int n) {
			return new CompletableFuture<>();
		}

		@Timeout(value = "50ms", cleanup = "release")
		public Mono<String> mono(String id, int n) {
			return Mono.never();
		}

		@Timeout(value = "50ms", cleanup = "release")
		public Flux<String> flux(String id, int n) {
			return Flux.concat(Flux.just(id), Flux.never());
		}

		@Timeout(value = "1s", cleanup = "release")
		public String fastPlain(String id, int n) {
			return id + n;
		}

		@Timeout(value = "1s", cleanup = "release")
		public CompletableFuture<String> fastFuture(String id, int n) {
			return CompletableFuture.supplyAsync(() -> id + n);
		}

		@Timeout(value = "1s", cleanup = "release")
		public Mono<String> fastMono(String id, int n) {
			return Mono.just(id + n).delayElement(Duration.ofMillis(5));
		}

		@Timeout(value = "1s", cleanup = "release")
		public Flux<String> fastFlux(String id, int n) {
			return Flux.just(id, String.valueOf(n)).delayElements(Duration.ofMillis(5));
		}

		@Timeout(value = "1s", cleanup = "reset")
		public String fastFailure(RuntimeException failure) {
			throw failure;
		}

		private void release(String id, int n) {
			this.cleanups.record("release(" + id + ", " + n + ")");
		}

		private void reset() {
			this.cleanups.record("reset()");
		}

		private void undo(String id) {
			this.cleanups.record("undo(" + id + ")");
		}

		private void undo() {
			this.cleanups.record("undo()");
		}

		private void explode() {
			this.cleanups.record("explode()");
			throw new IllegalStateException("cleanup failed");
		}

	}

}
