package dev.asyncutils.timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.core.TestContexts;
import dev.asyncutils.core.AsyncUtilsScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code @Timeout} on {@code CompletionStage} methods: the returned stage fails at the
 * deadline without waiting, the method's own future is cancelled, a stage that completes
 * in time passes through unchanged, and cancelling the returned stage cancels the inner
 * one.
 */
class TimeoutStageTests {

	private final ApplicationContextRunner runner = TestContexts.withBeans(Holder.class, Futures.class);

	@Test
	void futureThatNeverCompletesFailsAtTheDeadlineAndIsCancelled() {
		this.runner.run((context) -> {
			Futures futures = context.getBean(Futures.class);
			Holder holder = context.getBean(Holder.class);
			AtomicLong failedAt = new AtomicLong();
			long start = System.nanoTime();
			CompletableFuture<String> result = futures.never();
			result.whenComplete((value, failure) -> failedAt.set(System.nanoTime()));
			TimeoutExceededException exceeded = awaitTimeout(result);
			assertThat(exceeded.name()).isEqualTo("never");
			assertThat(exceeded.timeout()).isEqualTo(Duration.ofMillis(100));
			assertThat(exceeded).hasMessage("'never' did not complete within 100ms").hasNoSuppressedExceptions();
			assertThat(failedAt.get() - start).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
			assertThat(holder.futures).hasSize(1);
			CompletableFuture<String> inner = holder.futures.get(0);
			assertThat(inner).isNotSameAs(result);
			await(inner::isCancelled, "the method's future is cancelled");
			// the cleanup runs after the cancellation, on the scheduler
			await(() -> holder.cleanups.get() == 1, "the cleanup is called");
		});
	}

	@Test
	void callReturnsWithoutWaitingForTheDeadline() {
		this.runner.run((context) -> {
			Futures futures = context.getBean(Futures.class);
			long start = System.nanoTime();
			CompletableFuture<String> result = futures.neverLong();
			// the caller has its stage long before the deadline passes (a call that
			// waited for the deadline would return a stage that already failed)
			assertThat(result).isNotDone();
			AtomicLong failedAt = new AtomicLong();
			result.whenComplete((value, failure) -> failedAt.set(System.nanoTime()));
			assertThat(awaitTimeout(result).timeout()).isEqualTo(Duration.ofSeconds(1));
			assertThat(failedAt.get() - start).isGreaterThanOrEqualTo(Duration.ofSeconds(1).toNanos());
		});
	}

	@Test
	void completionStageThatIsNotACompletableFutureFailsAtTheDeadline() {
		this.runner.run((context) -> {
			Futures futures = context.getBean(Futures.class);
			Holder holder = context.getBean(Holder.class);
			long start = System.nanoTime();
			CompletionStage<String> result = futures.minimal();
			TimeoutExceededException exceeded = awaitTimeout(result.toCompletableFuture());
			assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
			assertThat(exceeded.name()).isEqualTo("Futures.minimal");
			await(() -> holder.cleanups.get() == 1, "cleanup called");
			Thread.sleep(100);
			assertThat(holder.cleanups).hasValue(1);
		});
	}

	@Test
	void futureCompletingInTimePassesItsValueThrough() {
		this.runner.run((context) -> {
			Futures futures = context.getBean(Futures.class);
			Holder holder = context.getBean(Holder.class);
			CompletableFuture<String> given = new CompletableFuture<>();
			CompletableFuture<String> result = futures.given(given);
			CompletableFuture.delayedExecutor(30, TimeUnit.MILLISECONDS).execute(() -> given.complete("value"));
			assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("value");
			assertThat(futures.given(CompletableFuture.completedFuture("done")).get(5, TimeUnit.SECONDS))
				.isEqualTo("done");
			// the deadline was cancelled: it can never fire
			awaitNoPendingDeadline(context);
			assertThat(given).isCompletedWithValue("value");
			assertThat(holder.cleanups).hasValue(0);
		});
	}

	@Test
	void futureFailingInTimePassesItsExceptionThroughUnchanged() {
		this.runner.run((context) -> {
			Futures futures = context.getBean(Futures.class);
			Holder holder = context.getBean(Holder.class);
			IllegalStateException failure = new IllegalStateException("own failure");
			CompletableFuture<String> given = new CompletableFuture<>();
			CompletableFuture<String> result = futures.given(given);
			CompletableFuture.delayedExecutor(30, TimeUnit.MILLISECONDS)
				.execute(() -> given.completeExceptionally(failure));
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> result.get(5, TimeUnit.SECONDS))
				.havingCause()
				.isSameAs(failure);
			assertThatExceptionOfType(CompletionException.class).isThrownBy(result::join)
				.havingCause()
				.isSameAs(failure);
			assertThat(failure.getSuppressed()).isEmpty();
			awaitNoPendingDeadline(context);
			assertThat(holder.cleanups).hasValue(0);
		});
	}

	@Test
	void methodThrowingInsteadOfReturningAStageFailsTheStageWithItsException() {
		this.runner.run((context) -> {
			Futures futures = context.getBean(Futures.class);
			IllegalArgumentException failure = new IllegalArgumentException("thrown");
			CompletableFuture<String> result = futures.throwing(failure);
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> result.get(5, TimeUnit.SECONDS))
				.havingCause()
				.isSameAs(failure);
		});
	}

	@Test
	void callerCancellingTheReturnedFutureCancelsTheInnerOne() {
		this.runner.run((context) -> {
			Futures futures = context.getBean(Futures.class);
			Holder holder = context.getBean(Holder.class);
			CompletableFuture<String> result = futures.cancellable();
			CompletableFuture<String> inner = holder.futures.get(0);
			assertThat(inner).isNotDone();
			assertThat(result.cancel(true)).isTrue();
			assertThat(result).isCancelled();
			await(inner::isCancelled, "the method's future is cancelled");
			// a cancelled call is no timeout: its deadline is gone, no cleanup
			awaitNoPendingDeadline(context);
			assertThat(holder.cleanups).hasValue(0);
			assertThat(result).isCancelled();
		});
	}

	@Test
	void deadlinePassingWhileTheMethodIsStillReturningItsFutureCancelsThatFuture() {
		this.runner.run((context) -> {
			Futures futures = context.getBean(Futures.class);
			Holder holder = context.getBean(Holder.class);
			long start = System.nanoTime();
			CompletableFuture<String> result = futures.slowToReturn();
			assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
			assertThat(awaitTimeout(result).name()).isEqualTo("Futures.slowToReturn");
			assertThat(holder.futures).hasSize(1);
			await(holder.futures.get(0)::isCancelled, "the method's future is cancelled");
			// a CompletionStage method is not interrupted
			assertThat(holder.interrupted).hasValue(0);
			assertThat(Thread.currentThread().isInterrupted()).isFalse();
		});
	}

	@Test
	void everyCallHasItsOwnDeadline() {
		this.runner.run((context) -> {
			Futures futures = context.getBean(Futures.class);
			Holder holder = context.getBean(Holder.class);
			CompletableFuture<String> first = futures.never();
			Thread.sleep(60);
			CompletableFuture<String> second = futures.never();
			CompletableFuture<String> third = futures.given(CompletableFuture.completedFuture("in time"));
			awaitTimeout(first);
			awaitTimeout(second);
			assertThat(third.get(5, TimeUnit.SECONDS)).isEqualTo("in time");
			await(() -> holder.futures.subList(0, 2).stream().allMatch(CompletableFuture::isCancelled),
					"both inner futures cancelled");
			await(() -> holder.cleanups.get() == 2, "one cleanup per timed-out call");
			Thread.sleep(200);
			assertThat(holder.cleanups).hasValue(2);
		});
	}

	static TimeoutExceededException awaitTimeout(CompletableFuture<?> result) {
		try {
			Object value = result.get(10, TimeUnit.SECONDS);
			throw new AssertionError("expected a timeout, got " + value);
		}
		catch (ExecutionException ex) {
			assertThat(ex.getCause()).isInstanceOf(TimeoutExceededException.class);
			return (TimeoutExceededException) ex.getCause();
		}
		catch (Exception ex) {
			throw new AssertionError("expected a timeout, got " + ex, ex);
		}
	}

	/**
	 * Wait until the scheduler holds no deadline, failing if that takes until half of the
	 * 5s deadlines of {@code given} and {@code cancellable}: a stage that completes in
	 * time, or is cancelled, cancels its deadline.
	 */
	static void awaitNoPendingDeadline(ApplicationContext context) throws InterruptedException {
		AsyncUtilsScheduler executor = context.getBean(AsyncUtilsScheduler.class);
		long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
		while (executor.scheduledCount() != 0) {
			if (System.nanoTime() > end) {
				fail("the deadline is still pending: it was not cancelled");
			}
			Thread.sleep(5);
		}
	}

	static void await(BooleanSupplier condition, String description) throws InterruptedException {
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > end) {
				fail("timed out waiting until " + description);
			}
			Thread.sleep(5);
		}
	}

	static class Holder {

		final List<CompletableFuture<String>> futures = new CopyOnWriteArrayList<>();

		final AtomicInteger cleanups = new AtomicInteger();

		final AtomicInteger interrupted = new AtomicInteger();

	}

	static class Futures {

		private final Holder holder;

		Futures(Holder holder) {
			this.holder = holder;
		}

		@Timeout(value = "100ms", name = "never", cleanup = "cleanup")
		public CompletableFuture<String> never() {
			CompletableFuture<String> future = new CompletableFuture<>();
			this.holder.futures.add(future);
			return future;
		}

		@Timeout(value = "5s", cleanup = "cleanup")
		public CompletableFuture<String> cancellable() {
			CompletableFuture<String> future = new CompletableFuture<>();
			this.holder.futures.add(future);
			return future;
		}

		@Timeout("1s")
		public CompletableFuture<String> neverLong() {
			return new CompletableFuture<>();
		}

		@Timeout(value = "100ms", cleanup = "cleanup")
		public CompletionStage<String> minimal() {
			return new CompletableFuture<String>().minimalCompletionStage();
		}

		@Timeout(value = "5s", cleanup = "cleanup")
		public CompletableFuture<String> given(CompletableFuture<String> future) {
			return future;
		}

		@Timeout("1s")
		public CompletableFuture<String> throwing(RuntimeException failure) {
			throw failure;
		}

		@Timeout("50ms")
		public CompletableFuture<String> slowToReturn() {
			try {
				Thread.sleep(200);
			}
			catch (InterruptedException ex) {
				this.holder.interrupted.incrementAndGet();
				Thread.currentThread().interrupt();
			}
			CompletableFuture<String> future = new CompletableFuture<>();
			this.holder.futures.add(future);
			return future;
		}

		private void cleanup() {
			this.holder.cleanups.incrementAndGet();
		}

	}

}
