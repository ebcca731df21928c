package dev.asyncutils.fallback;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@code @Fallback} on plain, void, CompletableFuture/CompletionStage, Mono and Flux
 * methods: with and without the failure parameter, applyOn/skipOn, failing fallbacks, and
 * together with {@code @Retry}.
 */
class FallbackTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	private static Recorder recorder(AssertableApplicationContext context) {
		return context.getBean(Recorder.class);
	}

	@Test
	void plainFallbackReceivesTheExactFailureAndTheArguments() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Recorder recorder = recorder(context);
			assertThat(service.plainWithFailure("a", 7)).isEqualTo("recovered:a:7");
			assertThat(recorder.failures).hasSize(1);
			assertThat(recorder.failures.get(0)).isSameAs(recorder.thrown.get(0))
				.isExactlyInstanceOf(IllegalStateException.class)
				.hasMessage("plain a 7");
			assertThat(recorder.calls).hasValue(1);
		});
	}

	@Test
	void plainFallbackWithoutFailureParameter() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			assertThat(service.plainWithoutFailure("b")).isEqualTo("plain-recovered:b");
			assertThat(recorder(context).calls).hasValue(1);
			assertThat(recorder(context).fallbackCalls).hasValue(1);
		});
	}

	@Test
	void variantWithFailureParameterWinsWhenBothExist() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			assertThat(service.both()).isEqualTo("with-failure:both");
			assertThat(recorder(context).failures).containsExactly(recorder(context).thrown.get(0));
		});
	}

	@Test
	void successfulCallDoesNotUseFallback() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			assertThat(service.succeeds("x")).isEqualTo("ok:x");
			assertThat(recorder(context).fallbackCalls).hasValue(0);
		});
	}

	@Test
	void voidMethodFallback() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			service.voidMethod("v");
			Recorder recorder = recorder(context);
			assertThat(recorder.calls).hasValue(1);
			assertThat(recorder.fallbackCalls).hasValue(1);
			assertThat(recorder.failures).containsExactly(recorder.thrown.get(0));
		});
	}

	@Test
	void completableFutureFallbackReturningTheValueType() throws Exception {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			assertThat(service.futureValueFallback("f").get(5, TimeUnit.SECONDS)).isEqualTo("value-fallback:f");
			Recorder recorder = recorder(context);
			assertThat(recorder.failures).hasSize(1);
			assertThat(recorder.failures.get(0)).isSameAs(recorder.thrown.get(0));
		});
	}

	@Test
	void completionStageFallbackReturningAStage() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			CompletionStage<String> stage = service.stageStageFallback("s");
			assertThat(stage.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo("stage-fallback:s");
			Recorder recorder = recorder(context);
			assertThat(recorder.failures).containsExactly(recorder.thrown.get(0));
		});
	}

	@Test
	void completableFutureMethodThatThrowsUsesFallback() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			assertThat(service.futureThrows().get(5, TimeUnit.SECONDS)).isEqualTo("thrown-fallback");
			Recorder recorder = recorder(context);
			assertThat(recorder.failures).containsExactly(recorder.thrown.get(0));
			assertThat(recorder.failures.get(0)).isExactlyInstanceOf(IllegalArgumentException.class);
		});
	}

	@Test
	void monoFallback() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier.create(service.mono("m")).expectNext("mono-fallback:m").verifyComplete();
			Recorder recorder = recorder(context);
			assertThat(recorder.failures).containsExactly(recorder.thrown.get(0));
			assertThat(recorder.calls).hasValue(1);
		});
	}

	@Test
	void fluxFallbackContinuesAfterTheItemsAlreadyEmitted() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier.create(service.flux(3)).expectNext(1, 2, 3, -1, -2).verifyComplete();
			Recorder recorder = recorder(context);
			assertThat(recorder.failures).containsExactly(recorder.thrown.get(0));
		});
	}

	@Test
	void applyOnMatchesSubtypes() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			FileNotFoundException failure = new FileNotFoundException("missing");
			assertThat(service.applyOnIo(failure)).isEqualTo("io-fallback");
			assertThat(recorder(context).failures).containsExactly(failure);
		});
	}

	@Test
	void failureOutsideApplyOnReachesCallerUnchanged() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			IllegalStateException failure = new IllegalStateException("not io");
			assertThat(catchThrowable(() -> service.applyOnIo(failure))).isSameAs(failure);
			assertThat(failure.getSuppressed()).isEmpty();
			assertThat(recorder(context).fallbackCalls).hasValue(0);
		});
	}

	@Test
	void skipOnWinsOverApplyOnAndMatchesSubtypes() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			FileNotFoundException skipped = new FileNotFoundException("skipped");
			assertThat(catchThrowable(() -> service.skipOnFileNotFound(skipped))).isSameAs(skipped);
			assertThat(recorder(context).fallbackCalls).hasValue(0);
			IOException used = new IOException("used");
			assertThat(service.skipOnFileNotFound(used)).isEqualTo("skip-fallback");
			assertThat(recorder(context).failures).containsExactly(used);
		});
	}

	@Test
	void nonMatchingFailureOfCompletableFutureReachesCallerUnchanged() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			IllegalStateException failure = new IllegalStateException("stage not io");
			CompletableFuture<String> future = service.futureApplyOnIo(failure);
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(5, TimeUnit.SECONDS))
				.satisfies((ex) -> assertThat(ex.getCause()).isSameAs(failure));
			assertThat(recorder(context).fallbackCalls).hasValue(0);
		});
	}

	@Test
	void nonMatchingFailureOfMonoReachesSubscriberUnchanged() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			IllegalStateException failure = new IllegalStateException("mono not io");
			StepVerifier.create(service.monoApplyOnIo(failure))
				.expectErrorSatisfies((error) -> assertThat(error).isSameAs(failure))
				.verify();
			assertThat(recorder(context).fallbackCalls).hasValue(0);
		});
	}

	@Test
	void failingPlainFallbackThrowsItsOwnExceptionWithTheOriginalSuppressed() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable thrown = catchThrowable(service::plainFallbackFails);
			Recorder recorder = recorder(context);
			assertThat(thrown).isSameAs(recorder.fallbackThrown.get(0));
			assertThat(thrown.getSuppressed()).containsExactly(recorder.thrown.get(0));
		});
	}

	@Test
	void failingFutureFallbackCompletesWithItsOwnExceptionWithTheOriginalSuppressed() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			CompletableFuture<String> future = service.futureFallbackThrows();
			Throwable thrown = catchThrowable(() -> future.get(5, TimeUnit.SECONDS));
			Recorder recorder = recorder(context);
			assertThat(thrown).isInstanceOf(ExecutionException.class);
			assertThat(thrown.getCause()).isSameAs(recorder.fallbackThrown.get(0));
			assertThat(thrown.getCause().getSuppressed()).containsExactly(recorder.thrown.get(0));
		});
	}

	@Test
	void failedStageFromFallbackCompletesWithItsExceptionWithTheOriginalSuppressed() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			CompletableFuture<String> future = service.futureFallbackFailedStage();
			Throwable thrown = catchThrowable(() -> future.get(5, TimeUnit.SECONDS));
			Recorder recorder = recorder(context);
			assertThat(thrown.getCause()).isSameAs(recorder.fallbackThrown.get(0));
			assertThat(thrown.getCause().getSuppressed()).containsExactly(recorder.thrown.get(0));
		});
	}

	@Test
	void failingMonoFallbackSignalsItsOwnExceptionWithTheOriginalSuppressed() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Recorder recorder = recorder(context);
			StepVerifier.create(service.monoFallbackThrows()).expectErrorSatisfies((error) -> {
				assertThat(error).isSameAs(recorder.fallbackThrown.get(0));
				assertThat(error.getSuppressed()).containsExactly(recorder.thrown.get(0));
			}).verify();
		});
	}

	@Test
	void errorFromMonoOfFallbackCarriesTheOriginalSuppressed() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Recorder recorder = recorder(context);
			StepVerifier.create(service.monoFallbackErrors()).expectErrorSatisfies((error) -> {
				assertThat(error).isSameAs(recorder.fallbackThrown.get(0));
				assertThat(error.getSuppressed()).containsExactly(recorder.thrown.get(0));
			}).verify();
		});
	}

	@Test
	void errorFromFluxOfFallbackCarriesTheOriginalSuppressed() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Recorder recorder = recorder(context);
			StepVerifier.create(service.fluxFallbackErrors()).expectNext(1).expectErrorSatisfies((error) -> {
				assertThat(error).isSameAs(recorder.fallbackThrown.get(0));
				assertThat(error.getSuppressed()).containsExactly(recorder.thrown.get(0));
			}).verify();
		});
	}

	@Test
	void fallbackIsUsedOnlyAfterAllRetryAttemptsAndGetsTheLastFailure() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Recorder recorder = recorder(context);
			assertThat(service.retried()).isEqualTo("after-retries");
			assertThat(recorder.calls).hasValue(3);
			assertThat(recorder.fallbackCalls).hasValue(1);
			assertThat(recorder.thrown).hasSize(3);
			Throwable received = recorder.failures.get(0);
			assertThat(received).isSameAs(recorder.thrown.get(2)).hasMessage("attempt 3");
			assertThat(received.getSuppressed()).containsExactly(recorder.thrown.get(0), recorder.thrown.get(1));
		});
	}

	@Test
	void retrySucceedingOnALaterAttemptDoesNotUseFallback() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Recorder recorder = recorder(context);
			assertThat(service.retriedThenSucceeds()).isEqualTo("success on 3");
			assertThat(recorder.calls).hasValue(3);
			assertThat(recorder.fallbackCalls).hasValue(0);
		});
	}

	@Test
	void completableFutureFallbackIsUsedOnlyAfterAllRetryAttempts() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Recorder recorder = recorder(context);
			assertThat(service.futureRetried().get(5, TimeUnit.SECONDS)).isEqualTo("future-after-retries");
			assertThat(recorder.calls).hasValue(4);
			assertThat(recorder.fallbackCalls).hasValue(1);
			Throwable received = recorder.failures.get(0);
			assertThat(received).isSameAs(recorder.thrown.get(3));
			assertThat(received.getSuppressed()).containsExactly(recorder.thrown.get(0), recorder.thrown.get(1),
					recorder.thrown.get(2));
		});
	}

	@Test
	void monoFallbackIsUsedOnlyAfterAllRetryAttempts() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Recorder recorder = recorder(context);
			StepVerifier.create(service.monoRetried()).expectNext("mono-after-retries").verifyComplete();
			assertThat(recorder.calls).hasValue(2);
			assertThat(recorder.fallbackCalls).hasValue(1);
			assertThat(recorder.failures).containsExactly(recorder.thrown.get(1));
			assertThat(recorder.failures.get(0).getSuppressed()).containsExactly(recorder.thrown.get(0));
		});
	}

	@Test
	void failureThatAbortsRetryGoesToFallbackAfterOneAttempt() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Recorder recorder = recorder(context);
			assertThat(service.retryAborted()).isEqualTo("aborted-fallback");
			assertThat(recorder.calls).hasValue(1);
			assertThat(recorder.failures).containsExactly(recorder.thrown.get(0));
			assertThat(recorder.failures.get(0).getSuppressed()).isEmpty();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Recorder recorder() {
			return new Recorder();
		}

		@Bean
		Service service(Recorder recorder) {
			return new Service(recorder);
		}

	}

	/**
	 * What the service saw; kept outside the proxied bean.
	 */
	static class Recorder {

		final AtomicInteger calls = new AtomicInteger();

		final AtomicInteger fallbackCalls = new AtomicInteger();

		final List<Throwable> thrown = new CopyOnWriteArrayList<>();

		final List<Throwable> failures = new CopyOnWriteArrayList<>();

		final List<Throwable> fallbackThrown = new CopyOnWriteArrayList<>();

		<T extends Throwable> T thrown(T failure) {
			this.calls.incrementAndGet();
			this.thrown.add(failure);
			return failure;
		}

		void fallback(Throwable failure) {
			this.fallbackCalls.incrementAndGet();
			if (failure != null) {
				this.failures.add(failure);
			}
		}

		<T extends Throwable> T fallbackThrown(T failure) {
			this.fallbackThrown.add(failure);
			return failure;
		}

	}

	static class Service {

		private final Recorder recorder;

		Service(Recorder recorder) {
			this.recorder = recorder;
		}

		@Fallback("recoverPlain")
		public String plainWithFailure(String text, int number) {
			throw this.recorder.thrown(new IllegalStateException("plain " + text + " " + number));
		}

		private String recoverPlain(String text, int number, Throwable failure) {
			this.recorder.fallback(failure);
			return "recovered:" + text + ":" + number;
		}

		@Fallback("recoverWithoutFailure")
		public String plainWithoutFailure(String text) {
			throw this.recorder.thrown(new IllegalStateException("plain " + text));
		}

		private String recoverWithoutFailure(String text) {
			this.recorder.fallback(null);
			return "plain-recovered:" + text;
		}

		@Fallback("recoverBoth")
		public String both() {
			throw this.recorder.thrown(new IllegalStateException("both"));
		}

		private String recoverBoth() {
			this.recorder.fallback(null);
			return "without-failure:both";
		}

		private String recoverBoth(RuntimeException failure) {
			throw new AssertionError("RuntimeException does not accept every Throwable of applyOn");
		}

		private String recoverBoth(Throwable failure) {
			this.recorder.fallback(failure);
			return "with-failure:both";
		}

		@Fallback("recoverSucceeds")
		public String succeeds(String text) {
			return "ok:" + text;
		}

		private String recoverSucceeds(String text) {
			this.recorder.fallback(null);
			return "fallback";
		}

		@Fallback("recoverVoid")
		public void voidMethod(String text) {
			throw this.recorder.thrown(new IllegalStateException("void " + text));
		}

		private void recoverVoid(String text, Throwable failure) {
			this.recorder.fallback(failure);
		}

		@Fallback("recoverFutureValue")
		public CompletableFuture<String> futureValueFallback(String text) {
			return CompletableFuture.failedFuture(this.recorder.thrown(new IllegalStateException("future " + text)));
		}

		private String recoverFutureValue(String text, Throwable failure) {
			this.recorder.fallback(failure);
			return "value-fallback:" + text;
		}

		@Fallback("recoverStage")
		public CompletionStage<String> stageStageFallback(String text) {
			CompletableFuture<String> future = new CompletableFuture<>();
			CompletableFuture.runAsync(
					() -> future.completeExceptionally(this.recorder.thrown(new IllegalStateException("stage"))),
					CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS));
			return future;
		}

		private CompletionStage<String> recoverStage(String text, Throwable failure) {
			this.recorder.fallback(failure);
			return CompletableFuture.supplyAsync(() -> "stage-fallback:" + text);
		}

		@Fallback("recoverFutureThrows")
		public CompletableFuture<String> futureThrows() {
			throw this.recorder.thrown(new IllegalArgumentException("thrown, not returned"));
		}

		private String recoverFutureThrows(Throwable failure) {
			this.recorder.fallback(failure);
			return "thrown-fallback";
		}

		@Fallback("recoverMono")
		public Mono<String> mono(String text) {
			return Mono.error(() -> this.recorder.thrown(new IllegalStateException("mono " + text)));
		}

		private Mono<String> recoverMono(String text, Throwable failure) {
			this.recorder.fallback(failure);
			return Mono.just("mono-fallback:" + text);
		}

		@Fallback("recoverFlux")
		public Flux<Integer> flux(int count) {
			return Flux.range(1, count)
				.concatWith(Flux.error(() -> this.recorder.thrown(new IllegalStateException("flux"))));
		}

		private Flux<Integer> recoverFlux(int count, Throwable failure) {
			this.recorder.fallback(failure);
			return Flux.just(-1, -2);
		}

		@Fallback(value = "recoverIo", applyOn = IOException.class)
		public String applyOnIo(Exception failure) throws Exception {
			throw this.recorder.thrown(failure);
		}

		private String recoverIo(Exception given, IOException failure) {
			this.recorder.fallback(failure);
			return "io-fallback";
		}

		@Fallback(value = "recoverSkip", applyOn = IOException.class, skipOn = FileNotFoundException.class)
		public String skipOnFileNotFound(Exception failure) throws Exception {
			throw this.recorder.thrown(failure);
		}

		private String recoverSkip(Exception given, IOException failure) {
			this.recorder.fallback(failure);
			return "skip-fallback";
		}

		@Fallback(value = "recoverFutureIo", applyOn = IOException.class)
		public CompletableFuture<String> futureApplyOnIo(Exception failure) {
			return CompletableFuture.failedFuture(this.recorder.thrown(failure));
		}

		private String recoverFutureIo(Exception given, IOException failure) {
			this.recorder.fallback(failure);
			return "future-io-fallback";
		}

		@Fallback(value = "recoverMonoIo", applyOn = IOException.class)
		public Mono<String> monoApplyOnIo(Exception failure) {
			return Mono.error(this.recorder.thrown(failure));
		}

		private Mono<String> recoverMonoIo(Exception given, IOException failure) {
			this.recorder.fallback(failure);
			return Mono.just("mono-io-fallback");
		}

		@Fallback("recoverFails")
		public String plainFallbackFails() {
			throw this.recorder.thrown(new IllegalStateException("original"));
		}

		private String recoverFails(Throwable failure) {
			this.recorder.fallback(failure);
			throw this.recorder.fallbackThrown(new UncheckedIOException(new IOException("fallback failed")));
		}

		@Fallback("recoverFutureFails")
		public CompletableFuture<String> futureFallbackThrows() {
			return CompletableFuture.failedFuture(this.recorder.thrown(new IllegalStateException("original")));
		}

		private String recoverFutureFails(Throwable failure) {
			this.recorder.fallback(failure);
			throw this.recorder.fallbackThrown(new IllegalArgumentException("fallback failed"));
		}

		@Fallback("recoverFailedStage")
		public CompletableFuture<String> futureFallbackFailedStage() {
			return CompletableFuture.failedFuture(this.recorder.thrown(new IllegalStateException("original")));
		}

		private CompletableFuture<String> recoverFailedStage(Throwable failure) {
			this.recorder.fallback(failure);
			return CompletableFuture
				.failedFuture(this.recorder.fallbackThrown(new IllegalArgumentException("fallback stage failed")));
		}

		@Fallback("recoverMonoFails")
		public Mono<String> monoFallbackThrows() {
			return Mono.error(() -> this.recorder.thrown(new IllegalStateException("original")));
		}

		private Mono<String> recoverMonoFails(Throwable failure) {
			this.recorder.fallback(failure);
			throw this.recorder.fallbackThrown(new IllegalArgumentException("mono fallback failed"));
		}

		@Fallback("recoverMonoErrors")
		public Mono<String> monoFallbackErrors() {
			return Mono.error(() -> this.recorder.thrown(new IllegalStateException("original")));
		}

		private Mono<String> recoverMonoErrors(Throwable failure) {
			this.recorder.fallback(failure);
			return Mono.error(() -> this.recorder.fallbackThrown(new IllegalArgumentException("mono fallback error")));
		}

		@Fallback("recoverFluxErrors")
		public Flux<Integer> fluxFallbackErrors() {
			return Flux.error(() -> this.recorder.thrown(new IllegalStateException("original")));
		}

		private Flux<Integer> recoverFluxErrors(Throwable failure) {
			this.recorder.fallback(failure);
			return Flux.just(1)
				.concatWith(Flux.error(() -> this.recorder.fallbackThrown(new IllegalArgumentException("flux error"))));
		}

		@Fallback("recoverRetried")
		@Retry(maxAttempts = 3, delay = "1ms")
		public String retried() {
			throw this.recorder.thrown(new IllegalStateException("attempt " + (this.recorder.calls.get() + 1)));
		}

		private String recoverRetried(Throwable failure) {
			this.recorder.fallback(failure);
			return "after-retries";
		}

		@Fallback("recoverRetriedThenSucceeds")
		@Retry(maxAttempts = 3, delay = "1ms")
		public String retriedThenSucceeds() {
			if (this.recorder.calls.get() < 2) {
				throw this.recorder.thrown(new IllegalStateException("attempt " + (this.recorder.calls.get() + 1)));
			}
			return "success on " + this.recorder.calls.incrementAndGet();
		}

		private String recoverRetriedThenSucceeds(Throwable failure) {
			this.recorder.fallback(failure);
			return "fallback";
		}

		@Fallback("recoverFutureRetried")
		@Retry(maxAttempts = 4, delay = "1ms", multiplier = 1)
		public CompletableFuture<String> futureRetried() {
			return CompletableFuture.failedFuture(this.recorder.thrown(new IllegalStateException("future attempt")));
		}

		private CompletableFuture<String> recoverFutureRetried(Throwable failure) {
			this.recorder.fallback(failure);
			return CompletableFuture.completedFuture("future-after-retries");
		}

		@Fallback("recoverMonoRetried")
		@Retry(maxAttempts = 2, delay = "1ms")
		public Mono<String> monoRetried() {
			return Mono.error(() -> this.recorder.thrown(new IllegalStateException("mono attempt")));
		}

		private Mono<String> recoverMonoRetried(Throwable failure) {
			this.recorder.fallback(failure);
			return Mono.just("mono-after-retries");
		}

		@Fallback("recoverAborted")
		@Retry(maxAttempts = 3, delay = "1ms", abortOn = IllegalArgumentException.class)
		public String retryAborted() {
			throw this.recorder.thrown(new IllegalArgumentException("abort"));
		}

		private String recoverAborted(Throwable failure) {
			this.recorder.fallback(failure);
			return "aborted-fallback";
		}

	}

}
