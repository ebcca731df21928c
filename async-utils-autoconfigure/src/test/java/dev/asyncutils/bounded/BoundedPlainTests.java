package dev.asyncutils.bounded;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.core.TestContexts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @Bounded} on plain methods: the observed concurrency equals the limit under
 * contention, and the slot comes back after success, exception and interrupt.
 */
class BoundedPlainTests {

	private final ApplicationContextRunner runner = TestContexts.withBeans(Tracker.class, Plain.class);

	@Test
	void maxObservedConcurrencyEqualsTheLimitUnderContention() {
		this.runner.run((context) -> {
			Plain plain = context.getBean(Plain.class);
			Tracker tracker = context.getBean(Tracker.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("Plain.work");
			assertThat(limiter.limit()).isEqualTo(4);
			int threads = 16;
			int callsPerThread = 60;
			CyclicBarrier start = new CyclicBarrier(threads);
			AtomicReference<Throwable> failure = new AtomicReference<>();
			AtomicInteger wrongResults = new AtomicInteger();
			List<Thread> callers = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int base = t * callsPerThread;
				Thread caller = new Thread(() -> {
					try {
						start.await();
						for (int i = 0; i < callsPerThread; i++) {
							if (plain.work(base + i) != base + i) {
								wrongResults.incrementAndGet();
							}
						}
					}
					catch (Throwable ex) {
						failure.compareAndSet(null, ex);
					}
				});
				callers.add(caller);
				caller.start();
			}
			for (Thread caller : callers) {
				caller.join(30_000);
				assertThat(caller.isAlive()).isFalse();
			}
			assertThat(failure.get()).isNull();
			assertThat(wrongResults.get()).isZero();
			assertThat(tracker.calls()).isEqualTo(threads * callsPerThread);
			assertThat(tracker.max()).isEqualTo(4);
			assertThat(tracker.current()).isZero();
			assertThat(limiter.availableSlots()).isEqualTo(4);
			assertThat(limiter.active()).isZero();
			assertThat(limiter.waiting()).isZero();
		});
	}

	@Test
	void exceptionReachesTheCallerUnchangedAndFreesTheSlot() {
		this.runner.run((context) -> {
			Plain plain = context.getBean(Plain.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("Plain.failing");
			IllegalStateException boom = new IllegalStateException("boom");
			for (int i = 0; i < 5; i++) {
				assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> plain.failing(boom))
					.isSameAs(boom);
				assertThat(boom.getSuppressed()).isEmpty();
			}
			assertThat(limiter.availableSlots()).isEqualTo(1);
			assertThat(limiter.active()).isZero();
		});
	}

	@Test
	void callerIsRejectedAtOnceWhenNobodyMayWait() {
		this.runner.run((context) -> {
			Plain plain = context.getBean(Plain.class);
			Tracker tracker = context.getBean(Tracker.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("single");
			CountDownLatch entered = new CountDownLatch(1);
			CountDownLatch leave = new CountDownLatch(1);
			Thread holder = new Thread(() -> plain.single(entered, leave));
			holder.start();
			assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(limiter.active()).isEqualTo(1);
			assertThatExceptionOfType(BoundedRejectedException.class)
				.isThrownBy(() -> plain.single(new CountDownLatch(1), new CountDownLatch(0)))
				.satisfies((ex) -> {
					assertThat(ex.name()).isEqualTo("single");
					assertThat(ex.limit()).isEqualTo(1);
				});
			assertThat(tracker.calls()).isEqualTo(1);
			leave.countDown();
			holder.join(10_000);
			assertThat(limiter.availableSlots()).isEqualTo(1);
			plain.single(new CountDownLatch(1), new CountDownLatch(0));
			assertThat(tracker.calls()).isEqualTo(2);
		});
	}

	@Test
	void interruptedWaiterIsRejectedKeepsItsFlagAndNeverRuns() {
		this.runner.run((context) -> {
			Plain plain = context.getBean(Plain.class);
			Tracker tracker = context.getBean(Tracker.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("Plain.waiting");
			CountDownLatch entered = new CountDownLatch(1);
			CountDownLatch leave = new CountDownLatch(1);
			Thread holder = new Thread(() -> plain.waiting(entered, leave));
			holder.start();
			assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
			AtomicReference<Throwable> failure = new AtomicReference<>();
			AtomicReference<Boolean> flag = new AtomicReference<>();
			Thread waiter = new Thread(() -> {
				try {
					plain.waiting(new CountDownLatch(1), new CountDownLatch(0));
				}
				catch (Throwable ex) {
					failure.set(ex);
				}
				flag.set(Thread.currentThread().isInterrupted());
			});
			waiter.start();
			Awaits.until("a waiter", () -> limiter.waiting() == 1);
			waiter.interrupt();
			waiter.join(10_000);
			assertThat(failure.get()).isInstanceOf(BoundedRejectedException.class);
			assertThat(flag.get()).isTrue();
			assertThat(limiter.waiting()).isZero();
			assertThat(limiter.active()).isEqualTo(1);
			assertThat(tracker.calls()).isEqualTo(1);
			leave.countDown();
			holder.join(10_000);
			assertThat(limiter.availableSlots()).isEqualTo(1);
		});
	}

	/**
	 * Counts calls and the calls in flight.
	 */
	static class Tracker {

		private final AtomicInteger calls = new AtomicInteger();

		private final AtomicInteger current = new AtomicInteger();

		private final AtomicInteger max = new AtomicInteger();

		void enter() {
			this.calls.incrementAndGet();
			this.max.accumulateAndGet(this.current.incrementAndGet(), Math::max);
		}

		void exit() {
			this.current.decrementAndGet();
		}

		int calls() {
			return this.calls.get();
		}

		int current() {
			return this.current.get();
		}

		int max() {
			return this.max.get();
		}

	}

	static class Plain {

		private final Tracker tracker;

		Plain(Tracker tracker) {
			this.tracker = tracker;
		}

		@Bounded(4)
		public int work(int value) throws InterruptedException {
			this.tracker.enter();
			try {
				Thread.sleep(0, 300_000);
				return value;
			}
			finally {
				this.tracker.exit();
			}
		}

		@Bounded(1)
		public void failing(RuntimeException failure) {
			throw failure;
		}

		@Bounded(name = "single", value = 1, maxQueued = 0)
		public void single(CountDownLatch entered, CountDownLatch leave) {
			hold(entered, leave);
		}

		@Bounded(1)
		public void waiting(CountDownLatch entered, CountDownLatch leave) {
			hold(entered, leave);
		}

		private void hold(CountDownLatch entered, CountDownLatch leave) {
			this.tracker.enter();
			try {
				entered.countDown();
				leave.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				this.tracker.exit();
			}
		}

	}

}
