package dev.asyncutils.retry;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.annotation.Retry;
import dev.asyncutils.core.TestContexts;
import dev.asyncutils.retry.RetryTestSupport.AttemptLog;
import dev.asyncutils.retry.RetryTestSupport.Behavior;
import dev.asyncutils.retry.RetryTestSupport.CustomError;
import dev.asyncutils.retry.RetryTestSupport.Thrown;

import static dev.asyncutils.retry.RetryTestSupport.log;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * {@code @Retry} on {@code CompletableFuture} and {@code CompletionStage} methods:
 * attempt counts, the failure the returned stage completes with, retry-on / abort-on,
 * synchronous throws, scheduled (non-blocking) retries, back-off lower bounds,
 * max-duration and cancellation.
 */
class StageRetryTests {

	private final ApplicationContextRunner runner = TestContexts.withBeans(AttemptLog.class, Service.class);

	private final Thrown thrown = new Thrown();

	@Test
	void defaultMaxAttemptsIsThreeAndFutureFailsWithExactlyTheLastFailure() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			CompletableFuture<String> result = service
				.defaults(this.thrown.alwaysFailedFuture((attempt) -> new IllegalStateException("attempt " + attempt)));
			Throwable failure = failureOf(result);
			assertThat(log(context).count()).isEqualTo(3);
			assertThat(failure).isExactlyInstanceOf(IllegalStateException.class).hasMessage("attempt 3");
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
			assertThat(catchThrowable(result::get)).isExactlyInstanceOf(ExecutionException.class)
				.cause()
				.isSameAs(failure);
			assertThat(catchThrowable(result::join)).isExactlyInstanceOf(CompletionException.class)
				.cause()
				.isSameAs(failure);
		});
	}

	@Test
	void customMaxAttemptsIsExact() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = failureOf(service.fiveAttempts(
					this.thrown.alwaysFailedFuture((attempt) -> new IllegalStateException("attempt " + attempt))));
			assertThat(log(context).count()).isEqualTo(5);
			assertThat(failure).hasMessage("attempt 5");
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void maxAttemptsOneDoesNotRetry() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = failureOf(service.oneAttempt(
					this.thrown.alwaysFailedFuture((attempt) -> new IllegalStateException("attempt " + attempt))));
			assertThat(log(context).count()).isEqualTo(1);
			assertThat(failure).isSameAs(this.thrown.get(0));
			assertThat(failure.getSuppressed()).isEmpty();
		});
	}

	@Test
	void successAfterFailuresCompletesWithTheValue() throws Exception {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			CompletableFuture<String> result = service.fiveAttempts(failedFuturesUntil(3));
			assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("ok 3");
			assertThat(log(context).count()).isEqualTo(3);
		});
	}

	@Test
	void completionStageReturnTypeIsRetriedAndFailsWithTheLastFailure() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			CompletionStage<String> result = service
				.stage(this.thrown.alwaysFailedFuture((attempt) -> new IllegalStateException("attempt " + attempt)));
			Throwable failure = failureOf(result.toCompletableFuture());
			assertThat(log(context).count()).isEqualTo(3);
			assertThat(failure).hasMessage("attempt 3");
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void completionStageReturnTypeSucceedingAfterFailuresCompletesWithTheValue() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Behavior<CompletionStage<String>> behavior = (attempt) -> (attempt < 2)
					? CompletableFuture.failedStage(new IllegalStateException("attempt " + attempt))
					: CompletableFuture.completedStage("ok " + attempt);
			CompletionStage<String> result = service.stage(behavior);
			assertThat(result.toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo("ok 2");
			assertThat(log(context).count()).isEqualTo(2);
		});
	}

	@Test
	void synchronousThrowIsRetriedLikeAFailedStage() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			CompletableFuture<String> result = service.defaults(this.thrown.alwaysIllegalState());
			Throwable failure = failureOf(result);
			assertThat(log(context).count()).isEqualTo(3);
			assertThat(failure).hasMessage("attempt 3");
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void synchronousThrowsFollowedBySuccessCompleteWithTheValue() throws Exception {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			CompletableFuture<String> result = service.defaults((attempt) -> {
				if (attempt < 3) {
					throw new IllegalStateException("attempt " + attempt);
				}
				return CompletableFuture.completedFuture("ok " + attempt);
			});
			assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("ok 3");
			assertThat(log(context).count()).isEqualTo(3);
		});
	}

	@Test
	void mixedSynchronousAndStageFailuresAreAllSuppressedInOrder() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			CompletableFuture<String> result = service.defaults((attempt) -> {
				IllegalStateException failure = this.thrown.add(new IllegalStateException("attempt " + attempt));
				if (attempt == 2) {
					return CompletableFuture.failedFuture(failure);
				}
				throw failure;
			});
			Throwable failure = failureOf(result);
			assertThat(log(context).count()).isEqualTo(3);
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void stageFailingWithCompletionExceptionIsUnwrapped() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			CompletableFuture<String> result = service.defaults((attempt) -> CompletableFuture.supplyAsync(() -> {
				throw this.thrown.add(new IllegalStateException("attempt " + attempt));
			}));
			Throwable failure = failureOf(result);
			assertThat(log(context).count()).isEqualTo(3);
			assertThat(failure).isExactlyInstanceOf(IllegalStateException.class);
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void retryOnMatchesSubtypes() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = failureOf(service.retryOnIo(
					this.thrown.alwaysFailedFuture((attempt) -> new FileNotFoundException("missing " + attempt))));
			assertThat(log(context).count()).isEqualTo(4);
			assertThat(failure).isExactlyInstanceOf(FileNotFoundException.class).hasMessage("missing 4");
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void failureNotMatchingRetryOnIsNotRetried() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = failureOf(service.retryOnIo(
					this.thrown.alwaysFailedFuture((attempt) -> new IllegalStateException("attempt " + attempt))));
			assertThat(log(context).count()).isEqualTo(1);
			assertThat(failure).isSameAs(this.thrown.get(0));
		});
	}

	@Test
	void abortOnWinsOverRetryOn() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = failureOf(service
				.abortOnIllegalArgument(this.thrown.alwaysFailedFuture((attempt) -> new NumberFormatException())));
			assertThat(log(context).count()).isEqualTo(1);
			assertThat(failure).isSameAs(this.thrown.get(0));
		});
	}

	@Test
	void retryOnStillAppliesToWhatAbortOnDoesNotMatch() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = failureOf(service.abortOnIllegalArgument(
					this.thrown.alwaysFailedFuture((attempt) -> new IllegalStateException("attempt " + attempt))));
			assertThat(log(context).count()).isEqualTo(4);
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void errorsAreNotRetriedByDefault() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = failureOf(
					service.defaults(this.thrown.alwaysFailedFuture((attempt) -> new CustomError("error " + attempt))));
			assertThat(log(context).count()).isEqualTo(1);
			assertThat(failure).isSameAs(this.thrown.get(0));
		});
	}

	@Test
	void synchronouslyThrownAssertionErrorIsNotRetriedByDefault() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			CompletableFuture<String> result = service
				.defaults(this.thrown.always((attempt) -> new AssertionError("assert " + attempt)));
			Throwable failure = failureOf(result);
			assertThat(log(context).count()).isEqualTo(1);
			assertThat(failure).isSameAs(this.thrown.get(0));
		});
	}

	@Test
	void callReturnsBeforeTheFirstAttemptCompletesAndRetriesRunOnTheScheduler() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			CompletableFuture<String> firstAttempt = new CompletableFuture<>();
			CompletableFuture<String> result = service.defaults((attempt) -> (attempt == 1) ? firstAttempt
					: CompletableFuture.failedFuture(this.thrown.add(new IllegalStateException("attempt " + attempt))));
			// the call returned although the first attempt is still pending
			assertThat(result).isNotDone();
			assertThat(log(context).count()).isEqualTo(1);
			IllegalStateException first = this.thrown.add(new IllegalStateException("attempt 1"));
			firstAttempt.completeExceptionally(first);
			Throwable failure = failureOf(result);
			assertThat(log(context).count()).isEqualTo(3);
			assertThat(failure).hasMessage("attempt 3");
			assertThat(failure.getSuppressed()).containsExactly(first, this.thrown.get(1));
			List<String> threads = log(context).threads();
			assertThat(threads.get(0)).isEqualTo(Thread.currentThread().getName());
			assertThat(threads.subList(1, 3))
				.allSatisfy((thread) -> assertThat(thread).startsWith(RetryTestSupport.WORKER_THREAD_PREFIX));
		});
	}

	@Test
	void retriedAttemptsAreInvokedOnWorkerThreads() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			failureOf(service.fiveAttempts(
					this.thrown.alwaysFailedFuture((attempt) -> new IllegalStateException("attempt " + attempt))));
			List<String> threads = log(context).threads();
			assertThat(threads).hasSize(5);
			assertThat(threads.get(0)).isEqualTo(Thread.currentThread().getName());
			assertThat(threads.subList(1, 5))
				.allSatisfy((thread) -> assertThat(thread).startsWith(RetryTestSupport.WORKER_THREAD_PREFIX));
		});
	}

	@Test
	void exponentialDelaysAreNotShorterThanConfigured() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			CompletableFuture<String> result = service.exponential(
					this.thrown.alwaysFailedFuture((attempt) -> new IllegalStateException("attempt " + attempt)));
			// the caller is not held up by the delays
			assertThat(result).isNotDone();
			failureOf(result);
			AttemptLog log = log(context);
			assertThat(log.count()).isEqualTo(3);
			assertThat(log.gaps().get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
			assertThat(log.gaps().get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
			assertThat(log.span()).isGreaterThanOrEqualTo(Duration.ofMillis(150));
		});
	}

	@Test
	void maxDelayCapsEachWait() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			failureOf(service
				.capped(this.thrown.alwaysFailedFuture((attempt) -> new IllegalStateException("attempt " + attempt))));
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
	void jitterNeverShortensAWaitBelowTheDelay() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			failureOf(service.jittered(
					this.thrown.alwaysFailedFuture((attempt) -> new IllegalStateException("attempt " + attempt))));
			AttemptLog log = log(context);
			assertThat(log.count()).isEqualTo(5);
			assertThat(log.gaps()).hasSize(4)
				.allSatisfy((gap) -> assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(20)));
		});
	}

	@Test
	void maxDurationGivesUpWhenTheNextWaitWouldEndPastIt() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = failureOf(service.maxDuration(
					this.thrown.alwaysFailedFuture((attempt) -> new IllegalStateException("attempt " + attempt))));
			AttemptLog log = log(context);
			assertThat(log.count()).isEqualTo(2);
			assertThat(log.gaps().get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
			assertThat(failure).hasMessage("attempt 2");
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void cancellingDuringADelayStopsFurtherAttempts() throws Exception {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			CompletableFuture<String> result = service.slowRetry(
					this.thrown.alwaysFailedFuture((attempt) -> new IllegalStateException("attempt " + attempt)));
			assertThat(log(context).count()).isEqualTo(1);
			assertThat(result.cancel(true)).isTrue();
			assertThat(result).isCancelled();
			// the delay is 300ms: wait well past it
			Thread.sleep(700);
			assertThat(log(context).count()).isEqualTo(1);
		});
	}

	@Test
	void cancellingDuringAnAttemptCancelsItAndStopsFurtherAttempts() throws Exception {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			List<CompletableFuture<String>> attempts = new CopyOnWriteArrayList<>();
			CompletableFuture<String> result = service.defaults((attempt) -> {
				CompletableFuture<String> pending = new CompletableFuture<>();
				attempts.add(pending);
				return pending;
			});
			assertThat(attempts).hasSize(1);
			assertThat(result.cancel(true)).isTrue();
			assertThat(attempts.get(0)).isCancelled();
			Thread.sleep(200);
			assertThat(log(context).count()).isEqualTo(1);
			assertThat(attempts).hasSize(1);
		});
	}

	@Test
	void cancellingDuringALaterAttemptCancelsItAndStopsFurtherAttempts() throws Exception {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			List<CompletableFuture<String>> attempts = new CopyOnWriteArrayList<>();
			CompletableFuture<String> result = service.fiveAttempts((attempt) -> {
				if (attempt < 3) {
					return CompletableFuture.failedFuture(new IllegalStateException("attempt " + attempt));
				}
				CompletableFuture<String> pending = new CompletableFuture<>();
				attempts.add(pending);
				return pending;
			});
			await().atMost(Duration.ofSeconds(5)).until(() -> attempts.size() == 1);
			assertThat(result.cancel(true)).isTrue();
			assertThat(attempts.get(0)).isCancelled();
			Thread.sleep(200);
			assertThat(log(context).count()).isEqualTo(3);
		});
	}

	private Behavior<CompletableFuture<String>> failedFuturesUntil(int succeedingAttempt) {
		return (attempt) -> (attempt < succeedingAttempt)
				? CompletableFuture.failedFuture(this.thrown.add(new IllegalStateException("attempt " + attempt)))
				: CompletableFuture.completedFuture("ok " + attempt);
	}

	/**
	 * The exception the future completed with, as it is (not wrapped): a dependent stage
	 * would see a CompletionException, {@code handle} on the future itself does not.
	 */
	private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
		Throwable failure = future.handle((value, ex) -> ex).get(10, TimeUnit.SECONDS);
		assertThat(failure).as("failure of %s", future).isNotNull();
		assertThat(future).isCompletedExceptionally();
		return failure;
	}

	static class Service {

		private final AttemptLog log;

		Service(AttemptLog log) {
			this.log = log;
		}

		@Retry(delay = "1ms")
		public CompletableFuture<String> defaults(Behavior<CompletableFuture<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "1ms")
		public CompletionStage<String> stage(Behavior<? extends CompletionStage<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "1ms", maxAttempts = 5)
		public CompletableFuture<String> fiveAttempts(Behavior<CompletableFuture<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "1ms", maxAttempts = 1)
		public CompletableFuture<String> oneAttempt(Behavior<CompletableFuture<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "1ms", maxAttempts = 4, retryOn = IOException.class)
		public CompletableFuture<String> retryOnIo(Behavior<CompletableFuture<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "1ms", maxAttempts = 4, retryOn = RuntimeException.class,
				abortOn = IllegalArgumentException.class)
		public CompletableFuture<String> abortOnIllegalArgument(Behavior<CompletableFuture<String>> behavior)
				throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "50ms", multiplier = 2, maxAttempts = 3)
		public CompletableFuture<String> exponential(Behavior<CompletableFuture<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "20ms", multiplier = 10, maxDelay = "30ms", maxAttempts = 4)
		public CompletableFuture<String> capped(Behavior<CompletableFuture<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "20ms", multiplier = 1.0, jitter = 1.0, maxAttempts = 5)
		public CompletableFuture<String> jittered(Behavior<CompletableFuture<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "100ms", maxDuration = "150ms", maxAttempts = 10)
		public CompletableFuture<String> maxDuration(Behavior<CompletableFuture<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "300ms", maxAttempts = 3)
		public CompletableFuture<String> slowRetry(Behavior<CompletableFuture<String>> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

	}

}
