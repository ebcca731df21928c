package dev.asyncutils.bounded;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.core.TestContexts;
import dev.asyncutils.core.AsyncUtilsScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * {@code @Bounded} on {@code CompletableFuture} methods: waiters hold no thread, the slot
 * is held until the returned future completes, the line drains in order, and every way of
 * giving up (cancel while waiting, after the grant, while running; max-wait; max-queued)
 * gives the slot back exactly once.
 */
class BoundedStageTests {

	private final ApplicationContextRunner runner = TestContexts.withBeans(Async.class);

	@Test
	void tenThousandCallersWaitWithoutThreadsAndDrainInOrder() {
		this.runner.run((context) -> {
			Async async = context.getBean(Async.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("wide");
			int calls = 10_000;
			int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
			List<CompletableFuture<Integer>> results = new ArrayList<>(calls);
			long start = System.nanoTime();
			// the caller would hang forever on call 11 if it blocked: nobody completes
			assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
				for (int i = 0; i < calls; i++) {
					results.add(async.wide(i));
				}
			});
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
			int threadsAfter = ManagementFactory.getThreadMXBean().getThreadCount();
			assertThat(threadsAfter - threadsBefore).isLessThan(20);
			assertThat(async.started()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
			assertThat(limiter.active()).isEqualTo(10);
			assertThat(limiter.waiting()).isEqualTo(calls - 10);
			Awaits.stays("no eleventh invocation", 50, () -> async.startedCount() == 10);
			assertThat(results.subList(10, calls)).noneMatch(CompletableFuture::isDone);
			for (int k = 0; k < calls; k++) {
				int expectedStarts = Math.min(k + 10, calls);
				// one completion at a time, so the order of invocations is the order of
				// grants
				Awaits.spinUntil(expectedStarts + " invocations", () -> async.startedCount() >= expectedStarts);
				async.finish(k);
			}
			for (int k = 0; k < calls; k++) {
				assertThat(results.get(k).get(10, TimeUnit.SECONDS)).isEqualTo(k);
			}
			List<Integer> expectedOrder = new ArrayList<>(calls);
			for (int k = 0; k < calls; k++) {
				expectedOrder.add(k);
			}
			assertThat(async.started()).isEqualTo(expectedOrder);
			assertThat(async.maxInFlight()).isEqualTo(10);
			assertThat(limiter.availableSlots()).isEqualTo(10);
			assertThat(limiter.active()).isZero();
			assertThat(limiter.waiting()).isZero();
		});
	}

	@Test
	void slotIsHeldUntilTheReturnedFutureCompletesNotUntilTheMethodReturns() {
		this.runner.run((context) -> {
			Async async = context.getBean(Async.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("narrow");
			CompletableFuture<Integer> first = async.narrow(1);
			assertThat(async.started()).containsExactly(1);
			assertThat(first).isNotDone();
			assertThat(limiter.active()).isEqualTo(1);
			CompletableFuture<Integer> second = async.narrow(2);
			assertThat(limiter.waiting()).isEqualTo(1);
			Awaits.stays("second not invoked while the first future is pending", 100, () -> async.startedCount() == 1);
			IllegalStateException boom = new IllegalStateException("boom");
			async.fail(1, boom);
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> first.get(10, TimeUnit.SECONDS))
				.withCauseExactlyInstanceOf(IllegalStateException.class)
				.satisfies((ex) -> assertThat(ex.getCause()).isSameAs(boom));
			Awaits.until("second invoked", () -> async.startedCount() == 2);
			assertThat(limiter.active()).isEqualTo(1);
			assertThat(limiter.waiting()).isZero();
			assertThat(second).isNotDone();
			async.finish(2);
			assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(2);
			assertThat(limiter.active()).isZero();
			assertThat(limiter.availableSlots()).isEqualTo(1);
		});
	}

	@Test
	void failureOfAWaiterIsPassedThroughUnchanged() {
		this.runner.run((context) -> {
			Async async = context.getBean(Async.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("narrow");
			CompletableFuture<Integer> first = async.narrow(1);
			CompletableFuture<Integer> second = async.narrow(2);
			async.finish(1);
			Awaits.until("second invoked", () -> async.startedCount() == 2);
			IllegalArgumentException boom = new IllegalArgumentException("second failed");
			async.fail(2, boom);
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> second.get(10, TimeUnit.SECONDS))
				.satisfies((ex) -> assertThat(ex.getCause()).isSameAs(boom));
			assertThat(first.get()).isEqualTo(1);
			assertThat(limiter.availableSlots()).isEqualTo(1);
		});
	}

	@Test
	void synchronousThrowBecomesAFailedFutureAndFreesTheSlot() {
		this.runner.run((context) -> {
			Async async = context.getBean(Async.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("Async.throwing");
			IllegalStateException boom = new IllegalStateException("sync");
			for (int i = 0; i < 3; i++) {
				CompletableFuture<Integer> result = async.throwing(boom);
				assertThatExceptionOfType(CompletionException.class).isThrownBy(result::join)
					.satisfies((ex) -> assertThat(ex.getCause()).isSameAs(boom));
			}
			assertThat(limiter.availableSlots()).isEqualTo(1);
		});
	}

	@Test
	void cancellingTheReturnedFutureOfARunningCallFreesTheSlot() {
		this.runner.run((context) -> {
			Async async = context.getBean(Async.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("narrow");
			CompletableFuture<Integer> first = async.narrow(1);
			first.cancel(true);
			assertThat(limiter.active()).isZero();
			CompletableFuture<Integer> second = async.narrow(2);
			CompletableFuture<Integer> third = async.narrow(3);
			assertThat(limiter.waiting()).isEqualTo(1);
			second.cancel(true);
			Awaits.until("third invoked", () -> async.startedCount() == 3);
			// a call that got its slot by waiting: cancel reaches the method's future
			third.cancel(true);
			assertThat(async.future(3)).isCancelled();
			assertThat(limiter.active()).isZero();
			assertThat(limiter.availableSlots()).isEqualTo(1);
			assertThat(async.started()).containsExactly(1, 2, 3);
		});
	}

	@Test
	void cancellingWhileWaitingLeavesTheLineAndNeverInvokes() {
		this.runner.run((context) -> {
			Async async = context.getBean(Async.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("narrow");
			CompletableFuture<Integer> first = async.narrow(1);
			CompletableFuture<Integer> second = async.narrow(2);
			CompletableFuture<Integer> third = async.narrow(3);
			assertThat(limiter.waiting()).isEqualTo(2);
			assertThat(second.cancel(true)).isTrue();
			assertThat(limiter.waiting()).isEqualTo(1);
			assertThat(limiter.active()).isEqualTo(1);
			async.finish(1);
			Awaits.until("third invoked", () -> async.startedCount() == 2);
			async.finish(3);
			assertThat(third.get(10, TimeUnit.SECONDS)).isEqualTo(3);
			assertThat(first.get()).isEqualTo(1);
			assertThat(async.started()).containsExactly(1, 3);
			assertThat(limiter.availableSlots()).isEqualTo(1);
			assertThat(limiter.waiting()).isZero();
		});
	}

	@Test
	void cancellingAfterTheGrantButBeforeTheStartGivesTheSlotBack() {
		// one worker thread: granted waiters start on workers, not on scheduler threads
		java.util.concurrent.ExecutorService worker = java.util.concurrent.Executors.newSingleThreadExecutor();
		this.runner.withBean("applicationTaskExecutor", java.util.concurrent.Executor.class, () -> worker)
			.run((context) -> {
				Async async = context.getBean(Async.class);
				BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("narrow");
				CompletableFuture<Integer> first = async.narrow(1);
				CompletableFuture<Integer> second = async.narrow(2);
				// occupy the only worker thread: a granted waiter cannot start
				CountDownLatch busy = new CountDownLatch(1);
				CountDownLatch unblock = new CountDownLatch(1);
				Future<?> blocker = context.getBean(AsyncUtilsScheduler.class).executor().submit(() -> {
					busy.countDown();
					unblock.await();
					return null;
				});
				assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
				async.finish(1);
				assertThat(first.get()).isEqualTo(1);
				// granted: the slot is the second's, though its method has not run
				assertThat(limiter.waiting()).isZero();
				assertThat(limiter.active()).isEqualTo(1);
				assertThat(second.cancel(true)).isTrue();
				assertThat(limiter.active()).isZero();
				assertThat(limiter.availableSlots()).isEqualTo(1);
				unblock.countDown();
				blocker.get(10, TimeUnit.SECONDS);
				Awaits.stays("the cancelled call is never invoked", 100, () -> async.startedCount() == 1);
				assertThat(limiter.availableSlots()).isEqualTo(1);
				CompletableFuture<Integer> third = async.narrow(3);
				assertThat(async.started()).containsExactly(1, 3);
				async.finish(3);
				assertThat(third.get(10, TimeUnit.SECONDS)).isEqualTo(3);
				assertThat(limiter.availableSlots()).isEqualTo(1);
			});
	}

	@Test
	void waiterIsRejectedNoEarlierThanMaxWaitAndNeverInvoked() {
		this.runner.run((context) -> {
			Async async = context.getBean(Async.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("patient");
			CompletableFuture<Integer> first = async.patient(1);
			long start = System.nanoTime();
			CompletableFuture<Integer> second = async.patient(2);
			assertThat(second).isNotDone();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> second.get(10, TimeUnit.SECONDS))
				.withCauseInstanceOf(BoundedRejectedException.class)
				.satisfies((ex) -> {
					BoundedRejectedException rejected = (BoundedRejectedException) ex.getCause();
					assertThat(rejected.name()).isEqualTo("patient");
					assertThat(rejected.limit()).isEqualTo(1);
				});
			Duration waited = Duration.ofNanos(System.nanoTime() - start);
			assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(150));
			assertThat(limiter.waiting()).isZero();
			assertThat(limiter.active()).isEqualTo(1);
			async.finish(1);
			assertThat(first.get()).isEqualTo(1);
			assertThat(limiter.availableSlots()).isEqualTo(1);
			assertThat(async.started()).containsExactly(1);
		});
	}

	@Test
	void waiterGrantedBeforeMaxWaitRunsAndIsNotRejectedLater() {
		this.runner.run((context) -> {
			Async async = context.getBean(Async.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("patient");
			async.patient(1);
			CompletableFuture<Integer> second = async.patient(2);
			async.finish(1);
			Awaits.until("second invoked", () -> async.startedCount() == 2);
			// well past max-wait: the granted call must not be failed by the old timer
			Thread.sleep(300);
			assertThat(second).isNotDone();
			assertThat(limiter.active()).isEqualTo(1);
			async.finish(2);
			assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(2);
			assertThat(limiter.availableSlots()).isEqualTo(1);
		});
	}

	@Test
	void grantedWaiterLeavesNoMaxWaitTimerBehind() {
		this.runner.run((context) -> {
			Async async = context.getBean(Async.class);
			AsyncUtilsScheduler scheduler = context.getBean(AsyncUtilsScheduler.class);
			async.hourly(1);
			CompletableFuture<Integer> second = async.hourly(2);
			assertThat(scheduler.scheduledCount()).isEqualTo(1);
			async.finish(1);
			Awaits.until("second invoked", () -> async.startedCount() == 2);
			// the hour-long max-wait timer of the granted waiter must not linger
			Awaits.until("no timer left", () -> scheduler.scheduledCount() == 0);
			async.finish(2);
			assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(2);
		});
	}

	@Test
	void callBeyondMaxQueuedFailsAtOnce() {
		this.runner.run((context) -> {
			Async async = context.getBean(Async.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("queue");
			async.queue(1);
			CompletableFuture<Integer> second = async.queue(2);
			CompletableFuture<Integer> third = async.queue(3);
			assertThat(third).isCompletedExceptionally();
			assertThatExceptionOfType(CompletionException.class).isThrownBy(third::join)
				.withCauseInstanceOf(BoundedRejectedException.class)
				.satisfies((ex) -> assertThat(((BoundedRejectedException) ex.getCause()).name()).isEqualTo("queue"));
			assertThat(limiter.waiting()).isEqualTo(1);
			async.finish(1);
			Awaits.until("second invoked", () -> async.startedCount() == 2);
			async.finish(2);
			assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(2);
			assertThat(async.started()).containsExactly(1, 2);
			assertThat(limiter.availableSlots()).isEqualTo(1);
		});
	}

	@Test
	void cancelledResultOfATimedOutWaiterDoesNotDisturbTheLine() {
		this.runner.run((context) -> {
			Async async = context.getBean(Async.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("patient");
			async.patient(1);
			CompletableFuture<Integer> second = async.patient(2);
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> second.get(10, TimeUnit.SECONDS))
				.withCauseInstanceOf(BoundedRejectedException.class);
			// a cancel after the rejection is a no-op
			assertThat(second.cancel(true)).isFalse();
			assertThatExceptionOfType(CancellationException.class).isThrownBy(() -> {
				CompletableFuture<Integer> third = async.patient(3);
				third.cancel(true);
				third.join();
			});
			assertThat(limiter.waiting()).isZero();
			assertThat(limiter.active()).isEqualTo(1);
			async.finish(1);
			assertThat(limiter.availableSlots()).isEqualTo(1);
		});
	}

	static class Async {

		private final List<Integer> started = Collections.synchronizedList(new ArrayList<>());

		private final AtomicInteger startedCount = new AtomicInteger();

		private final ConcurrentHashMap<Integer, CompletableFuture<Integer>> futures = new ConcurrentHashMap<>();

		private final AtomicInteger inFlight = new AtomicInteger();

		private final AtomicInteger maxInFlight = new AtomicInteger();

		@Bounded(name = "wide", value = 10)
		public CompletableFuture<Integer> wide(int id) {
			return begin(id);
		}

		@Bounded(name = "narrow", value = 1)
		public CompletableFuture<Integer> narrow(int id) {
			return begin(id);
		}

		@Bounded(name = "patient", value = 1, maxWait = "150ms")
		public CompletableFuture<Integer> patient(int id) {
			return begin(id);
		}

		@Bounded(value = 1, maxWait = "1h")
		public CompletableFuture<Integer> hourly(int id) {
			return begin(id);
		}

		@Bounded(name = "queue", value = 1, maxQueued = 1)
		public CompletableFuture<Integer> queue(int id) {
			return begin(id);
		}

		@Bounded(1)
		public CompletableFuture<Integer> throwing(RuntimeException failure) {
			throw failure;
		}

		private CompletableFuture<Integer> begin(int id) {
			CompletableFuture<Integer> future = new CompletableFuture<>();
			this.maxInFlight.accumulateAndGet(this.inFlight.incrementAndGet(), Math::max);
			this.futures.put(id, future);
			this.started.add(id);
			this.startedCount.incrementAndGet();
			return future;
		}

		void finish(int id) {
			this.inFlight.decrementAndGet();
			future(id).complete(id);
		}

		void fail(int id, Throwable failure) {
			this.inFlight.decrementAndGet();
			future(id).completeExceptionally(failure);
		}

		CompletableFuture<Integer> future(int id) {
			CompletableFuture<Integer> future = this.futures.get(id);
			assertThat(future).as("future of call " + id).isNotNull();
			return future;
		}

		List<Integer> started() {
			synchronized (this.started) {
				return new ArrayList<>(this.started);
			}
		}

		int startedCount() {
			return this.startedCount.get();
		}

		int maxInFlight() {
			return this.maxInFlight.get();
		}

	}

}
