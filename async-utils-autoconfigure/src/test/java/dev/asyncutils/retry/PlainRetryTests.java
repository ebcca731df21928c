package dev.asyncutils.retry;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

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
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@code @Retry} on plain and {@code void} methods: attempt counts, the failure the
 * caller gets, retry-on / abort-on, back-off lower bounds, max-duration and interrupts.
 */
class PlainRetryTests {

	private final ApplicationContextRunner runner = TestContexts.withBeans(AttemptLog.class, Service.class);

	private final Thrown thrown = new Thrown();

	@Test
	void defaultMaxAttemptsIsThreeAndCallerGetsLastFailureWithEarlierSuppressed() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = catchThrowable(() -> service.defaults(this.thrown.alwaysIllegalState()));
			assertThat(log(context).count()).isEqualTo(3);
			assertThat(this.thrown.size()).isEqualTo(3);
			assertThat(failure).isExactlyInstanceOf(IllegalStateException.class).hasMessage("attempt 3");
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void customMaxAttemptsIsExact() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = catchThrowable(() -> service.fiveAttempts(this.thrown.alwaysIllegalState()));
			assertThat(log(context).count()).isEqualTo(5);
			assertThat(failure).hasMessage("attempt 5");
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void maxAttemptsOneDoesNotRetry() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = catchThrowable(() -> service.oneAttempt(this.thrown.alwaysIllegalState()));
			assertThat(log(context).count()).isEqualTo(1);
			assertThat(failure).isSameAs(this.thrown.get(0));
			assertThat(failure.getSuppressed()).isEmpty();
		});
	}

	@Test
	void successAfterFailuresReturnsTheValue() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			assertThat(service.fiveAttempts(this.thrown.succeedingOn(3))).isEqualTo("ok 3");
			assertThat(log(context).count()).isEqualTo(3);
		});
	}

	@Test
	void successOnFirstAttemptCallsOnce() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			assertThat(service.defaults(this.thrown.succeedingOn(1))).isEqualTo("ok 1");
			assertThat(log(context).count()).isEqualTo(1);
		});
	}

	@Test
	void voidMethodIsRetriedAndCallerGetsLastFailure() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = catchThrowable(() -> service.voidDefaults(this.thrown.alwaysIllegalState()));
			assertThat(log(context).count()).isEqualTo(3);
			assertThat(failure).hasMessage("attempt 3");
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void voidMethodSucceedingOnSecondAttemptReturnsNormally() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Behavior<String> behavior = this.thrown.succeedingOn(2);
			assertThatCode(() -> service.voidDefaults(behavior)).doesNotThrowAnyException();
			assertThat(log(context).count()).isEqualTo(2);
		});
	}

	@Test
	void declaredCheckedExceptionReachesCallerUnwrapped() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = catchThrowable(
					() -> service.defaults(this.thrown.always((attempt) -> new IOException("io " + attempt))));
			assertThat(log(context).count()).isEqualTo(3);
			assertThat(failure).isExactlyInstanceOf(IOException.class).hasMessage("io 3");
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void sameExceptionInstanceOnEveryAttemptIsNotSuppressedIntoItself() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			IllegalStateException always = new IllegalStateException("always the same");
			Throwable failure = catchThrowable(() -> service.defaults((attempt) -> {
				throw always;
			}));
			assertThat(log(context).count()).isEqualTo(3);
			assertThat(failure).isSameAs(always);
			assertThat(failure.getSuppressed()).isEmpty();
		});
	}

	@Test
	void retriedAttemptsRunOnTheCallersThread() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			catchThrowable(() -> service.defaults(this.thrown.alwaysIllegalState()));
			String caller = Thread.currentThread().getName();
			assertThat(log(context).threads()).containsExactly(caller, caller, caller);
		});
	}

	@Test
	void retryOnMatchesSubtypes() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = catchThrowable(() -> service
				.retryOnIo(this.thrown.always((attempt) -> new FileNotFoundException("missing " + attempt))));
			assertThat(log(context).count()).isEqualTo(4);
			assertThat(failure).isExactlyInstanceOf(FileNotFoundException.class).hasMessage("missing 4");
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void failureNotMatchingRetryOnIsNotRetried() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = catchThrowable(() -> service.retryOnIo(this.thrown.alwaysIllegalState()));
			assertThat(log(context).count()).isEqualTo(1);
			assertThat(failure).isSameAs(this.thrown.get(0));
			assertThat(failure.getSuppressed()).isEmpty();
		});
	}

	@Test
	void retryOnMatchesACause() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = catchThrowable(() -> service.retryOnIo(this.thrown
				.always((attempt) -> new UncheckedIOException("wrapped " + attempt, new IOException("io")))));
			assertThat(log(context).count()).isEqualTo(4);
			assertThat(failure).isExactlyInstanceOf(UncheckedIOException.class).hasMessage("wrapped 4");
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void abortOnWinsOverRetryOn() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			// NumberFormatException is an IllegalArgumentException (abortOn) and a
			// RuntimeException (retryOn)
			Throwable failure = catchThrowable(
					() -> service.abortOnIllegalArgument(this.thrown.always((attempt) -> new NumberFormatException())));
			assertThat(log(context).count()).isEqualTo(1);
			assertThat(failure).isSameAs(this.thrown.get(0));
			assertThat(failure.getSuppressed()).isEmpty();
		});
	}

	@Test
	void retryOnStillAppliesToWhatAbortOnDoesNotMatch() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = catchThrowable(() -> service.abortOnIllegalArgument(this.thrown.alwaysIllegalState()));
			assertThat(log(context).count()).isEqualTo(4);
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void abortOnFailureAfterRetriesStopsAndKeepsEarlierFailuresSuppressed() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = catchThrowable(() -> service.abortOnIllegalArgument(
					this.thrown.always((attempt) -> (attempt < 3) ? new IllegalStateException("attempt " + attempt)
							: new IllegalArgumentException("abort " + attempt))));
			assertThat(log(context).count()).isEqualTo(3);
			assertThat(failure).isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("abort 3");
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void assertionErrorIsNotRetriedByDefault() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = catchThrowable(
					() -> service.defaults(this.thrown.always((attempt) -> new AssertionError("assert " + attempt))));
			assertThat(log(context).count()).isEqualTo(1);
			assertThat(failure).isSameAs(this.thrown.get(0));
			assertThat(failure.getSuppressed()).isEmpty();
		});
	}

	@Test
	void customErrorIsNotRetriedByDefault() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = catchThrowable(
					() -> service.defaults(this.thrown.always((attempt) -> new CustomError("error " + attempt))));
			assertThat(log(context).count()).isEqualTo(1);
			assertThat(failure).isSameAs(this.thrown.get(0));
		});
	}

	@Test
	void errorIsRetriedWhenNamedInRetryOn() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = catchThrowable(
					() -> service.retryOnError(this.thrown.always((attempt) -> new CustomError("error " + attempt))));
			assertThat(log(context).count()).isEqualTo(3);
			assertThat(failure).hasMessage("error 3");
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void exponentialDelaysAreNotShorterThanConfigured() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			catchThrowable(() -> service.exponential(this.thrown.alwaysIllegalState()));
			AttemptLog log = log(context);
			assertThat(log.count()).isEqualTo(3);
			assertThat(log.gaps().get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
			assertThat(log.gaps().get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
			assertThat(log.span()).isGreaterThanOrEqualTo(Duration.ofMillis(150));
		});
	}

	@Test
	void builtInMultiplierDoublesTheDelay() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			catchThrowable(() -> service.delayOnly(this.thrown.alwaysIllegalState()));
			AttemptLog log = log(context);
			assertThat(log.count()).isEqualTo(3);
			assertThat(log.gaps().get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(30));
			assertThat(log.gaps().get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(60));
		});
	}

	@Test
	void builtInDelayIsOneHundredMilliseconds() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			catchThrowable(() -> service.builtInDelay(this.thrown.alwaysIllegalState()));
			AttemptLog log = log(context);
			assertThat(log.count()).isEqualTo(2);
			assertThat(log.gaps().get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
		});
	}

	@Test
	void multiplierOneKeepsTheDelayFixed() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			catchThrowable(() -> service.fixed(this.thrown.alwaysIllegalState()));
			AttemptLog log = log(context);
			assertThat(log.count()).isEqualTo(8);
			assertThat(log.gaps()).hasSize(7)
				.allSatisfy((gap) -> assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(30)));
			// 7 x 30ms = 210ms; doubling would take 30ms x (2^7 - 1) = 3810ms
			assertThat(log.span()).isGreaterThanOrEqualTo(Duration.ofMillis(210)).isLessThan(Duration.ofMillis(2500));
		});
	}

	@Test
	void maxDelayCapsEachWait() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			catchThrowable(() -> service.capped(this.thrown.alwaysIllegalState()));
			AttemptLog log = log(context);
			assertThat(log.count()).isEqualTo(4);
			assertThat(log.gaps().get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(20));
			assertThat(log.gaps().get(1)).isGreaterThanOrEqualTo(Duration.ofMillis(30));
			assertThat(log.gaps().get(2)).isGreaterThanOrEqualTo(Duration.ofMillis(30));
			// uncapped: 20ms + 200ms + 2000ms
			assertThat(log.span()).isGreaterThanOrEqualTo(Duration.ofMillis(80)).isLessThan(Duration.ofMillis(1500));
		});
	}

	@Test
	void jitterNeverShortensAWaitBelowTheDelay() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			catchThrowable(() -> service.jittered(this.thrown.alwaysIllegalState()));
			AttemptLog log = log(context);
			assertThat(log.count()).isEqualTo(6);
			assertThat(log.gaps()).hasSize(5)
				.allSatisfy((gap) -> assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(20)));
		});
	}

	@Test
	void maxDurationGivesUpWhenTheNextWaitWouldEndPastIt() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = catchThrowable(() -> service.maxDuration(this.thrown.alwaysIllegalState()));
			AttemptLog log = log(context);
			// attempt 1 at 0ms, wait 100ms, attempt 2 at >= 100ms; the next wait (200ms)
			// would end past 150ms
			assertThat(log.count()).isEqualTo(2);
			assertThat(log.gaps().get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
			assertThat(failure).hasMessage("attempt 2");
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void maxDurationThatIsNotReachedDoesNotCutAttempts() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			Throwable failure = catchThrowable(() -> service.longMaxDuration(this.thrown.alwaysIllegalState()));
			assertThat(log(context).count()).isEqualTo(4);
			this.thrown.assertIsLastWithEarlierSuppressed(failure);
		});
	}

	@Test
	void interruptDuringDelayStopsRetryingAndKeepsTheFlag() throws Exception {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			CountDownLatch firstFailed = new CountDownLatch(1);
			Behavior<String> behavior = (attempt) -> {
				IllegalStateException failure = this.thrown.add(new IllegalStateException("attempt " + attempt));
				firstFailed.countDown();
				throw failure;
			};
			AtomicReference<Throwable> caught = new AtomicReference<>();
			AtomicBoolean interruptedAfterwards = new AtomicBoolean();
			Thread caller = new Thread(() -> {
				try {
					service.longDelay(behavior);
				}
				catch (Throwable ex) {
					caught.set(ex);
				}
				interruptedAfterwards.set(Thread.currentThread().isInterrupted());
			}, "retry-caller");
			caller.start();
			assertThat(firstFailed.await(5, TimeUnit.SECONDS)).isTrue();
			Thread.sleep(50);
			long interruptedAt = System.nanoTime();
			caller.interrupt();
			caller.join(5_000);
			assertThat(caller.isAlive()).isFalse();
			// the delay is 10s: the caller must have stopped waiting long before it ended
			assertThat(Duration.ofNanos(System.nanoTime() - interruptedAt)).isLessThan(Duration.ofSeconds(5));
			assertThat(log(context).count()).isEqualTo(1);
			assertThat(caught.get()).isSameAs(this.thrown.get(0));
			assertThat(caught.get().getSuppressed()).isEmpty();
			assertThat(interruptedAfterwards).isTrue();
		});
	}

	@Test
	void failureWhileAlreadyInterruptedIsNotRetriedAndKeepsTheFlag() {
		this.runner.run((context) -> {
			Service service = context.getBean(Service.class);
			try {
				Throwable failure = catchThrowable(() -> service.defaults((attempt) -> {
					Thread.currentThread().interrupt();
					throw this.thrown.add(new IllegalStateException("attempt " + attempt));
				}));
				assertThat(Thread.currentThread().isInterrupted()).isTrue();
				assertThat(log(context).count()).isEqualTo(1);
				assertThat(failure).isSameAs(this.thrown.get(0));
			}
			finally {
				Thread.interrupted();
			}
		});
	}

	static class Service {

		private final AttemptLog log;

		Service(AttemptLog log) {
			this.log = log;
		}

		@Retry(delay = "1ms")
		public String defaults(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "1ms")
		public void voidDefaults(Behavior<?> behavior) throws Throwable {
			behavior.attempt(this.log.record());
		}

		@Retry(delay = "1ms", maxAttempts = 5)
		public String fiveAttempts(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "1ms", maxAttempts = 1)
		public String oneAttempt(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "1ms", maxAttempts = 4, retryOn = IOException.class)
		public String retryOnIo(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "1ms", maxAttempts = 4, retryOn = RuntimeException.class,
				abortOn = IllegalArgumentException.class)
		public String abortOnIllegalArgument(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "1ms", retryOn = Error.class)
		public String retryOnError(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "50ms", multiplier = 2, maxAttempts = 3)
		public String exponential(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "30ms")
		public String delayOnly(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(maxAttempts = 2)
		public String builtInDelay(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "30ms", multiplier = 1.0, maxAttempts = 8)
		public String fixed(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "20ms", multiplier = 10, maxDelay = "30ms", maxAttempts = 4)
		public String capped(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "20ms", multiplier = 1.0, jitter = 1.0, maxAttempts = 6)
		public String jittered(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "100ms", maxDuration = "150ms", maxAttempts = 10)
		public String maxDuration(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "1ms", maxDuration = "10s", maxAttempts = 4)
		public String longMaxDuration(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

		@Retry(delay = "10s", maxAttempts = 3)
		public String longDelay(Behavior<String> behavior) throws Throwable {
			return behavior.attempt(this.log.record());
		}

	}

}
