package dev.asyncutils.retry;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.annotation.Retry;
import dev.asyncutils.core.TestContexts;
import dev.asyncutils.retry.RetryTestSupport.AttemptLog;
import dev.asyncutils.retry.RetryTestSupport.Behavior;
import dev.asyncutils.retry.RetryTestSupport.CustomError;
import dev.asyncutils.retry.RetryTestSupport.Thrown;

import static dev.asyncutils.retry.RetryTestSupport.log;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code @Retry} on {@code Mono} and {@code Flux} methods: the method is invoked once per
 * subscription and per retry, every subscription has its own attempt budget, and the
 * subscriber gets exactly the last failure.
 */
class ReactiveRetryTests {

	private static final Duration VERIFY = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = TestContexts.withBeans(AttemptLog.class, Service.class);

	private final Thrown thrown = new Thrown();

	@Test
	void monoMethodIsNotInvokedBeforeSubscription() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Mono<String> mono = service.mono(this.thrown.alwaysIllegalState());
			assertThat(log(context).count()).isZero();
			StepVerifier.create(mono).expectError(IllegalStateException.class).verify(VERIFY);
			assertThat(log(context).count()).isEqualTo(3);
		});
	}

	@Test
	void monoDefaultMaxAttemptsIsThreeAndSubscriberGetsExactlyTheLastFailure() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier.create(service.mono(failingMonos()))
				.expectErrorSatisfies(this.thrown::assertIsLastWithEarlierSuppressed)
				.verify(VERIFY);
			assertThat(log(context).count()).isEqualTo(3);
			assertThat(this.thrown.get(2)).hasMessage("attempt 3");
		});
	}

	@Test
	void monoMethodThrowingSynchronouslyIsRetried() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier.create(service.mono(this.thrown.alwaysIllegalState()))
				.expectErrorSatisfies(this.thrown::assertIsLastWithEarlierSuppressed)
				.verify(VERIFY);
			assertThat(log(context).count()).isEqualTo(3);
		});
	}

	@Test
	void monoCustomMaxAttemptsIsExact() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier.create(service.monoFiveAttempts(failingMonos()))
				.expectErrorSatisfies(this.thrown::assertIsLastWithEarlierSuppressed)
				.verify(VERIFY);
			assertThat(log(context).count()).isEqualTo(5);
		});
	}

	@Test
	void monoMaxAttemptsOneDoesNotRetry() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier.create(service.monoOneAttempt(failingMonos()))
				.expectErrorSatisfies((failure) -> assertThat(failure).isSameAs(this.thrown.get(0))
					.satisfies((ex) -> assertThat(ex.getSuppressed()).isEmpty()))
				.verify(VERIFY);
			assertThat(log(context).count()).isEqualTo(1);
		});
	}

	@Test
	void monoSucceedingAfterFailuresEmitsTheValue() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Behavior<Mono<String>> behavior = (attempt) -> (attempt < 3)
					? Mono.error(new IllegalStateException("attempt " + attempt)) : Mono.just("ok " + attempt);
			StepVerifier.create(service.monoFiveAttempts(behavior)).expectNext("ok 3").verifyComplete();
			assertThat(log(context).count()).isEqualTo(3);
		});
	}

	@Test
	void monoEverySubscriptionHasItsOwnAttemptBudget() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Mono<String> mono = service.mono(failingMonos());
			StepVerifier.create(mono)
				.expectErrorSatisfies((failure) -> assertThat(failure).hasMessage("attempt 3"))
				.verify(VERIFY);
			assertThat(log(context).count()).isEqualTo(3);
			StepVerifier.create(mono).expectErrorSatisfies((failure) -> {
				assertThat(failure).isSameAs(this.thrown.get(5)).hasMessage("attempt 6");
				// only the failures of this subscription are attached
				assertThat(failure.getSuppressed()).containsExactly(this.thrown.get(3), this.thrown.get(4));
			}).verify(VERIFY);
			assertThat(log(context).count()).isEqualTo(6);
		});
	}

	@Test
	void monoConcurrentSubscriptionsEachGetTheirOwnAttempts() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Mono<String> mono = service.monoSlow(failingMonos());
			List<Throwable> errors = new CopyOnWriteArrayList<>();
			Disposable first = mono.subscribe((value) -> {
			}, errors::add);
			Disposable second = mono.subscribe((value) -> {
			}, errors::add);
			await().atMost(VERIFY).until(() -> errors.size() == 2);
			assertThat(log(context).count()).isEqualTo(6);
			assertThat(errors).doesNotHaveDuplicates()
				.allSatisfy((failure) -> assertThat(failure.getSuppressed()).hasSize(2));
			assertThat(first.isDisposed()).isTrue();
			assertThat(second.isDisposed()).isTrue();
		});
	}

	@Test
	void monoRetriesRunOnWorkerThreads() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier.create(service.mono(failingMonos())).expectError().verify(VERIFY);
			List<String> threads = log(context).threads();
			assertThat(threads).hasSize(3);
			assertThat(threads.get(0)).isEqualTo(Thread.currentThread().getName());
			// a retry runs on a worker, or on the subscribing thread when the delay ended
			// before that thread had finished subscribing (Reactor's retryWhen
			// trampolines the
			// resubscription there); never on a thread of ours that keeps time
			assertThat(threads.subList(1, 3)).allSatisfy((thread) -> assertThat(thread).satisfiesAnyOf(
					(name) -> assertThat(name).startsWith(RetryTestSupport.WORKER_THREAD_PREFIX),
					(name) -> assertThat(name).isEqualTo(Thread.currentThread().getName())));
			assertThat(threads).noneMatch(
					(thread) -> thread.startsWith("async-utils-scheduler-") || thread.startsWith("async-utils-timer"));
		});
	}

	@Test
	void monoRetryOnMatchesSubtypes() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier
				.create(service.monoRetryOnIo(
						(attempt) -> Mono.error(this.thrown.add(new FileNotFoundException("missing " + attempt)))))
				.expectErrorSatisfies(this.thrown::assertIsLastWithEarlierSuppressed)
				.verify(VERIFY);
			assertThat(log(context).count()).isEqualTo(4);
		});
	}

	@Test
	void monoFailureNotMatchingRetryOnIsNotRetried() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier.create(service.monoRetryOnIo(failingMonos()))
				.expectErrorSatisfies((failure) -> assertThat(failure).isSameAs(this.thrown.get(0)))
				.verify(VERIFY);
			assertThat(log(context).count()).isEqualTo(1);
		});
	}

	@Test
	void monoAbortOnWinsOverRetryOn() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier
				.create(service.monoAbortOnIllegalArgument(
						(attempt) -> Mono.error(this.thrown.add(new NumberFormatException("abort " + attempt)))))
				.expectErrorSatisfies((failure) -> assertThat(failure).isSameAs(this.thrown.get(0)))
				.verify(VERIFY);
			assertThat(log(context).count()).isEqualTo(1);
		});
	}

	@Test
	void monoRetryOnStillAppliesToWhatAbortOnDoesNotMatch() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier.create(service.monoAbortOnIllegalArgument(failingMonos()))
				.expectErrorSatisfies(this.thrown::assertIsLastWithEarlierSuppressed)
				.verify(VERIFY);
			assertThat(log(context).count()).isEqualTo(4);
		});
	}

	@Test
	void monoErrorsAreNotRetriedByDefault() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier
				.create(service.mono((attempt) -> Mono.error(this.thrown.add(new CustomError("error " + attempt)))))
				.expectErrorSatisfies((failure) -> assertThat(failure).isSameAs(this.thrown.get(0)))
				.verify(VERIFY);
			assertThat(log(context).count()).isEqualTo(1);
		});
	}

	@Test
	void monoExponentialDelaysAreNotShorterThanConfigured() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier.create(service.monoExponential(failingMonos())).expectError().verify(VERIFY);
			AttemptLog log = log(context);
			assertThat(log.count()).isEqualTo(3);
			assertThat(log.gaps().get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
			assertThat(log.gaps().get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
			assertThat(log.span()).isGreaterThanOrEqualTo(Duration.ofMillis(150));
		});
	}

	@Test
	void monoMaxDelayCapsEachWait() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier.create(service.monoCapped(failingMonos())).expectError().verify(VERIFY);
			AttemptLog log = log(context);
			assertThat(log.count()).isEqualTo(4);
			assertThat(log.gaps().get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(20));
			assertThat(log.gaps().get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(30));
			assertThat(log.gaps().get(2)).isGreaterThanOrEqualTo(Duration.ofMillis(30));
			// uncapped: 20ms + 200ms + 2000ms
			assertThat(log.span()).isLessThan(Duration.ofMillis(1500));
		});
	}

	@Test
	void monoJitterNeverShortensAWaitBelowTheDelay() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier.create(service.monoJittered(failingMonos())).expectError().verify(VERIFY);
			AttemptLog log = log(context);
			assertThat(log.count()).isEqualTo(5);
			assertThat(log.gaps()).hasSize(4)
				.allSatisfy((gap) -> assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(20)));
		});
	}

	@Test
	void monoMaxDurationGivesUpWhenTheNextWaitWouldEndPastIt() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier.create(service.monoMaxDuration(failingMonos()))
				.expectErrorSatisfies(this.thrown::assertIsLastWithEarlierSuppressed)
				.verify(VERIFY);
			AttemptLog log = log(context);
			assertThat(log.count()).isEqualTo(2);
			assertThat(log.gaps().get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
		});
	}

	@Test
	void monoCancellingDuringADelayStopsFurtherAttempts() throws Exception {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Disposable subscription = service.monoSlow(failingMonos()).subscribe((value) -> {
			}, (failure) -> {
			});
			assertThat(log(context).count()).isEqualTo(1);
			subscription.dispose();
			// the delay is 300ms: wait well past it
			Thread.sleep(700);
			assertThat(log(context).count()).isEqualTo(1);
		});
	}

	@Test
	void fluxDefaultMaxAttemptsIsThreeAndSubscriberGetsExactlyTheLastFailure() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Flux<String> flux = service.flux(failingFluxes());
			assertThat(log(context).count()).isZero();
			StepVerifier.create(flux)
				.expectErrorSatisfies(this.thrown::assertIsLastWithEarlierSuppressed)
				.verify(VERIFY);
			assertThat(log(context).count()).isEqualTo(3);
		});
	}

	@Test
	void fluxMethodThrowingSynchronouslyIsRetried() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier.create(service.flux(this.thrown.alwaysIllegalState()))
				.expectErrorSatisfies(this.thrown::assertIsLastWithEarlierSuppressed)
				.verify(VERIFY);
			assertThat(log(context).count()).isEqualTo(3);
		});
	}

	@Test
	void fluxMaxAttemptsOneDoesNotRetry() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier.create(service.fluxOneAttempt(failingFluxes()))
				.expectErrorSatisfies((failure) -> assertThat(failure).isSameAs(this.thrown.get(0)))
				.verify(VERIFY);
			assertThat(log(context).count()).isEqualTo(1);
		});
	}

	@Test
	void fluxCustomMaxAttemptsIsExact() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier.create(service.fluxFiveAttempts(failingFluxes()))
				.expectErrorSatisfies(this.thrown::assertIsLastWithEarlierSuppressed)
				.verify(VERIFY);
			assertThat(log(context).count()).isEqualTo(5);
		});
	}

	@Test
	void fluxRetryReemitsItemsOfFailedAttemptsAndCompletesOnSuccess() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Behavior<Flux<String>> behavior = (attempt) -> (attempt < 3)
					? Flux.just("a" + attempt).concatWith(Flux.error(new IllegalStateException("attempt " + attempt)))
					: Flux.just("a" + attempt, "b" + attempt);
			StepVerifier.create(service.fluxFiveAttempts(behavior)).expectNext("a1", "a2", "a3", "b3").verifyComplete();
			assertThat(log(context).count()).isEqualTo(3);
		});
	}

	@Test
	void fluxEverySubscriptionHasItsOwnAttemptBudget() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Flux<String> flux = service.flux(failingFluxes());
			StepVerifier.create(flux)
				.expectErrorSatisfies((failure) -> assertThat(failure).isSameAs(this.thrown.get(2)))
				.verify(VERIFY);
			StepVerifier.create(flux).expectErrorSatisfies((failure) -> {
				assertThat(failure).isSameAs(this.thrown.get(5));
				assertThat(failure.getSuppressed()).containsExactly(this.thrown.get(3), this.thrown.get(4));
			}).verify(VERIFY);
			assertThat(log(context).count()).isEqualTo(6);
		});
	}

	@Test
	void fluxFailureNotMatchingRetryOnIsNotRetried() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier.create(service.fluxRetryOnIo(failingFluxes()))
				.expectErrorSatisfies((failure) -> assertThat(failure).isSameAs(this.thrown.get(0)))
				.verify(VERIFY);
			assertThat(log(context).count()).isEqualTo(1);
		});
	}

	@Test
	void fluxRetryOnMatchesSubtypesAndAbortOnWins() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Behavior<Flux<String>> behavior = (attempt) -> Flux.error(this.thrown.add((attempt < 3)
					? new FileNotFoundException("missing " + attempt) : new IllegalArgumentException("abort")));
			StepVerifier.create(service.fluxRetryOnIo(behavior))
				.expectErrorSatisfies(this.thrown::assertIsLastWithEarlierSuppressed)
				.verify(VERIFY);
			assertThat(log(context).count()).isEqualTo(3);
			assertThat(this.thrown.get(2)).isExactlyInstanceOf(IllegalArgumentException.class);
		});
	}

	@Test
	void fluxErrorsAreNotRetriedByDefault() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier
				.create(service.flux((attempt) -> Flux.error(this.thrown.add(new AssertionError("assert " + attempt)))))
				.expectErrorSatisfies((failure) -> assertThat(failure).isSameAs(this.thrown.get(0)))
				.verify(VERIFY);
			assertThat(log(context).count()).isEqualTo(1);
		});
	}

	@Test
	void fluxDelaysAreNotShorterThanConfiguredAndRunOnWorkerThreads() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier.create(service.fluxExponential(failingFluxes())).expectError().verify(VERIFY);
			AttemptLog log = log(context);
			assertThat(log.count()).isEqualTo(3);
			assertThat(log.gaps().get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
			assertThat(log.gaps().get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
			assertThat(log.threads().subList(1, 3))
				.allSatisfy((thread) -> assertThat(thread).startsWith(RetryTestSupport.WORKER_THREAD_PREFIX));
		});
	}

	@Test
	void fluxMaxDurationGivesUpWhenTheNextWaitWouldEndPastIt() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			StepVerifier.create(service.fluxMaxDuration(failingFluxes()))
				.expectErrorSatisfies(this.thrown::assertIsLastWithEarlierSuppressed)
				.verify(VERIFY);
			assertThat(log(context).count()).isEqualTo(2);
		});
	}

	private Behavior<Mono<String>> failingMonos() {
		return (attempt) -> Mono.error(this.thrown.add(new IllegalStateException("attempt " + attempt)));
	}

	private Behavior<Flux<String>> failingFluxes() {
		return (attempt) -> Flux.error(this.thrown.add(new IllegalStateException("attempt " + attempt)));
	}

	static class Service {

		private final AttemptLog log;

		Service(AttemptLog log) {
			this.log = log;
		}

		@Retry(delay = "1ms")
		public Mono<String> mono(Behavior<Mono<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "1ms", maxAttempts = 5)
		public Mono<String> monoFiveAttempts(Behavior<Mono<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "1ms", maxAttempts = 1)
		public Mono<String> monoOneAttempt(Behavior<Mono<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "1ms", maxAttempts = 4, retryOn = IOException.class)
		public Mono<String> monoRetryOnIo(Behavior<Mono<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "1ms", maxAttempts = 4, retryOn = RuntimeException.class,
				abortOn = IllegalArgumentException.class)
		public Mono<String> monoAbortOnIllegalArgument(Behavior<Mono<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "50ms", multiplier = 2, maxAttempts = 3)
		public Mono<String> monoExponential(Behavior<Mono<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "20ms", multiplier = 10, maxDelay = "30ms", maxAttempts = 4)
		public Mono<String> monoCapped(Behavior<Mono<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "20ms", multiplier = 1.0, jitter = 1.0, maxAttempts = 5)
		public Mono<String> monoJittered(Behavior<Mono<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "100ms", maxDuration = "150ms", maxAttempts = 10)
		public Mono<String> monoMaxDuration(Behavior<Mono<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "300ms", multiplier = 1.0, maxAttempts = 3)
		public Mono<String> monoSlow(Behavior<Mono<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "1ms")
		public Flux<String> flux(Behavior<Flux<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "1ms", maxAttempts = 5)
		public Flux<String> fluxFiveAttempts(Behavior<Flux<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "1ms", maxAttempts = 1)
		public Flux<String> fluxOneAttempt(Behavior<Flux<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "1ms", maxAttempts = 4, retryOn = IOException.class, abortOn = IllegalArgumentException.class)
		public Flux<String> fluxRetryOnIo(Behavior<Flux<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "50ms", multiplier = 2, maxAttempts = 3)
		public Flux<String> fluxExponential(Behavior<Flux<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "100ms", maxDuration = "150ms", maxAttempts = 10)
		public Flux<String> fluxMaxDuration(Behavior<Flux<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

	}

}
