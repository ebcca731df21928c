package dev.asyncutils.bounded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.asyncutils.BoundedRejectedException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The engine of {@code @Bounded} used directly: admission up to the limit, FIFO
 * hand-over, queue and wait limits, interrupts, over-release, and a stress run of blocked
 * callers.
 */
class BoundedLimiterTests {

	private final List<Thread> threads = new CopyOnWriteArrayList<>();

	@AfterEach
	void stopThreads() throws InterruptedException {
		for (Thread thread : this.threads) {
			thread.interrupt();
			thread.join(5000);
		}
	}

	private static BoundedLimiter limiter(int limit, @Nullable Duration maxWait, @Nullable Integer maxQueued) {
		return new BoundedLimiter(new BoundedSettings("engine", limit, maxWait, maxQueued));
	}

	private Thread start(String name, Runnable body) {
		Thread thread = new Thread(body, name);
		thread.setDaemon(true);
		this.threads.add(thread);
		thread.start();
		return thread;
	}

	@Test
	void tryAcquireTakesFreeSlotsUpToTheLimitThenFails() {
		BoundedLimiter limiter = limiter(3, null, null);
		assertThat(limiter.limit()).isEqualTo(3);
		assertThat(limiter.availableSlots()).isEqualTo(3);
		assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
		assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
		assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
		assertThat(HeldSlots.of(limiter).tryAcquire()).isFalse();
		assertThat(HeldSlots.of(limiter).tryAcquire()).isFalse();
		assertThat(limiter.active()).isEqualTo(3);
		assertThat(limiter.availableSlots()).isZero();
		assertThat(limiter.waiting()).isZero();
		HeldSlots.of(limiter).release();
		assertThat(limiter.active()).isEqualTo(2);
		assertThat(limiter.availableSlots()).isEqualTo(1);
		assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
		assertThat(HeldSlots.of(limiter).tryAcquire()).isFalse();
		HeldSlots.of(limiter).release();
		HeldSlots.of(limiter).release();
		HeldSlots.of(limiter).release();
		assertThat(limiter.availableSlots()).isEqualTo(3);
		assertThat(limiter.active()).isZero();
	}

	@Test
	void acquireTakesFreeSlotsWithoutWaiting() {
		BoundedLimiter limiter = limiter(2, Duration.ZERO, 0);
		HeldSlots.of(limiter).acquire();
		HeldSlots.of(limiter).acquire();
		assertThat(limiter.active()).isEqualTo(2);
		assertThatExceptionOfType(BoundedRejectedException.class).isThrownBy(limiter::acquire);
		assertThat(limiter.active()).isEqualTo(2);
	}

	@Test
	void releaseHandsTheSlotToWaitersInArrivalOrder() throws InterruptedException {
		BoundedLimiter limiter = limiter(1, null, null);
		assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
		List<Integer> granted = new CopyOnWriteArrayList<>();
		int waiters = 6;
		for (int i = 0; i < waiters; i++) {
			int index = i;
			start("waiter-" + i, () -> {
				HeldSlots.of(limiter).acquire();
				// holds the slot; the test releases it on its behalf
				granted.add(index);
			});
			int expected = i + 1;
			Awaits.until(expected + " waiters in line", () -> limiter.waiting() == expected);
		}
		assertThat(granted).isEmpty();
		for (int i = 0; i < waiters; i++) {
			HeldSlots.of(limiter).release();
			// the freed slot went to the first in line, not back to the pool
			assertThat(limiter.availableSlots()).isZero();
			assertThat(HeldSlots.of(limiter).tryAcquire()).isFalse();
			assertThat(limiter.waiting()).isEqualTo(waiters - i - 1);
			int expected = i + 1;
			Awaits.until(expected + " grants", () -> granted.size() >= expected);
			assertThat(granted).hasSize(expected);
			assertThat(limiter.active()).isEqualTo(1);
		}
		assertThat(granted).containsExactly(0, 1, 2, 3, 4, 5);
		HeldSlots.of(limiter).release();
		assertThat(limiter.availableSlots()).isEqualTo(1);
		assertThat(limiter.waiting()).isZero();
	}

	@Test
	void maxQueuedZeroLetsNobodyWait() {
		BoundedLimiter limiter = new BoundedLimiter(new BoundedSettings("zero-queue", 2, null, 0));
		HeldSlots.of(limiter).acquire();
		HeldSlots.of(limiter).acquire();
		long start = System.nanoTime();
		assertThatExceptionOfType(BoundedRejectedException.class).isThrownBy(limiter::acquire).satisfies((ex) -> {
			assertThat(ex.name()).isEqualTo("zero-queue");
			assertThat(ex.limit()).isEqualTo(2);
			assertThat(ex.getMessage()).contains("zero-queue", "max-queued");
		});
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(limiter.waiting()).isZero();
		assertThat(limiter.active()).isEqualTo(2);
		HeldSlots.of(limiter).release();
		HeldSlots.of(limiter).acquire();
		assertThat(limiter.active()).isEqualTo(2);
	}

	@Test
	void maxQueuedRejectsTheNextWaiterAtOnceAndKeepsTheLine() throws InterruptedException {
		BoundedLimiter limiter = new BoundedLimiter(new BoundedSettings("short-line", 1, null, 2));
		assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
		List<Integer> granted = new CopyOnWriteArrayList<>();
		for (int i = 0; i < 2; i++) {
			int index = i;
			start("waiter-" + i, () -> {
				HeldSlots.of(limiter).acquire();
				granted.add(index);
			});
			int expected = i + 1;
			Awaits.until(expected + " waiters", () -> limiter.waiting() == expected);
		}
		for (int attempt = 0; attempt < 3; attempt++) {
			long start = System.nanoTime();
			assertThatExceptionOfType(BoundedRejectedException.class).isThrownBy(limiter::acquire).satisfies((ex) -> {
				assertThat(ex.name()).isEqualTo("short-line");
				assertThat(ex.limit()).isEqualTo(1);
			});
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
			assertThat(limiter.waiting()).isEqualTo(2);
		}
		HeldSlots.of(limiter).release();
		Awaits.until("first grant", () -> granted.size() == 1);
		assertThat(limiter.waiting()).isEqualTo(1);
		HeldSlots.of(limiter).release();
		Awaits.until("second grant", () -> granted.size() == 2);
		assertThat(granted).containsExactly(0, 1);
		assertThat(limiter.waiting()).isZero();
		HeldSlots.of(limiter).release();
		assertThat(limiter.availableSlots()).isEqualTo(1);
	}

	@Test
	void maxWaitRejectsNoEarlierThanMaxWait() {
		Duration maxWait = Duration.ofMillis(150);
		BoundedLimiter limiter = new BoundedLimiter(new BoundedSettings("slow", 1, maxWait, null));
		assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
		long start = System.nanoTime();
		assertThatExceptionOfType(BoundedRejectedException.class).isThrownBy(limiter::acquire).satisfies((ex) -> {
			assertThat(ex.name()).isEqualTo("slow");
			assertThat(ex.limit()).isEqualTo(1);
			assertThat(ex.getMessage()).contains("max-wait");
		});
		Duration waited = Duration.ofNanos(System.nanoTime() - start);
		assertThat(waited).isGreaterThanOrEqualTo(maxWait).isLessThan(maxWait.multipliedBy(20));
		assertThat(limiter.waiting()).isZero();
		assertThat(limiter.active()).isEqualTo(1);
		HeldSlots.of(limiter).release();
		assertThat(limiter.availableSlots()).isEqualTo(1);
		// the rejected waiter left no trace: the next caller gets the slot at once
		assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
	}

	@Test
	void maxWaitZeroRejectsAtOnceWithoutQueueing() {
		BoundedLimiter limiter = new BoundedLimiter(new BoundedSettings("now", 1, Duration.ZERO, null));
		HeldSlots.of(limiter).acquire();
		long start = System.nanoTime();
		assertThatExceptionOfType(BoundedRejectedException.class).isThrownBy(limiter::acquire);
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
		assertThat(limiter.waiting()).isZero();
		assertThat(limiter.active()).isEqualTo(1);
	}

	@Test
	void waiterGrantedBeforeMaxWaitGetsTheSlot() throws InterruptedException {
		BoundedLimiter limiter = new BoundedLimiter(new BoundedSettings("in-time", 1, Duration.ofSeconds(10), null));
		assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
		CountDownLatch acquired = new CountDownLatch(1);
		start("waiter", () -> {
			HeldSlots.of(limiter).acquire();
			acquired.countDown();
		});
		Awaits.until("a waiter", () -> limiter.waiting() == 1);
		HeldSlots.of(limiter).release();
		assertThat(acquired.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(limiter.active()).isEqualTo(1);
		assertThat(limiter.waiting()).isZero();
	}

	@Test
	void interruptWhileWaitingRejectsKeepsTheFlagAndConsumesNoSlot() throws InterruptedException {
		BoundedLimiter limiter = limiter(1, null, null);
		assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
		AtomicReference<Throwable> failure = new AtomicReference<>();
		AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
		Thread waiter = start("waiter", () -> {
			try {
				HeldSlots.of(limiter).acquire();
			}
			catch (Throwable ex) {
				failure.set(ex);
			}
			interruptedAfter.set(Thread.currentThread().isInterrupted());
		});
		Awaits.until("a waiter", () -> limiter.waiting() == 1);
		waiter.interrupt();
		waiter.join(10_000);
		assertThat(waiter.isAlive()).isFalse();
		assertThat(failure.get()).isInstanceOf(BoundedRejectedException.class)
			.hasMessageContaining("interrupted")
			.satisfies((ex) -> assertThat(((BoundedRejectedException) ex).name()).isEqualTo("engine"));
		assertThat(interruptedAfter.get()).isTrue();
		assertThat(limiter.waiting()).isZero();
		assertThat(limiter.active()).isEqualTo(1);
		HeldSlots.of(limiter).release();
		assertThat(limiter.availableSlots()).isEqualTo(1);
		assertThat(limiter.active()).isZero();
	}

	@Test
	void interruptedCallerWithoutAFreeSlotIsRejectedAtOnce() {
		BoundedLimiter limiter = limiter(1, null, null);
		assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
		Thread.currentThread().interrupt();
		try {
			assertThatExceptionOfType(BoundedRejectedException.class).isThrownBy(limiter::acquire);
			assertThat(Thread.currentThread().isInterrupted()).isTrue();
		}
		finally {
			Thread.interrupted();
		}
		assertThat(limiter.waiting()).isZero();
		assertThat(limiter.active()).isEqualTo(1);
	}

	@Test
	void interruptedWaiterInTheMiddleLeavesTheLineInOrder() throws InterruptedException {
		BoundedLimiter limiter = limiter(1, null, null);
		assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
		List<Integer> granted = new CopyOnWriteArrayList<>();
		List<Thread> waiters = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			int index = i;
			waiters.add(start("waiter-" + i, () -> {
				try {
					HeldSlots.of(limiter).acquire();
					granted.add(index);
				}
				catch (BoundedRejectedException ex) {
					// expected for the interrupted one
				}
			}));
			int expected = i + 1;
			Awaits.until(expected + " waiters", () -> limiter.waiting() == expected);
		}
		waiters.get(1).interrupt();
		waiters.get(1).join(10_000);
		assertThat(limiter.waiting()).isEqualTo(2);
		HeldSlots.of(limiter).release();
		Awaits.until("first grant", () -> granted.size() == 1);
		HeldSlots.of(limiter).release();
		Awaits.until("second grant", () -> granted.size() == 2);
		assertThat(granted).containsExactly(0, 2);
		HeldSlots.of(limiter).release();
		assertThat(limiter.availableSlots()).isEqualTo(1);
		assertThat(limiter.waiting()).isZero();
	}

	@Test
	void releaseBeyondWhatWasTakenFailsAndChangesNothing() {
		BoundedLimiter limiter = limiter(2, null, null);
		assertThatIllegalStateException().isThrownBy(HeldSlots.of(limiter)::release).withMessageContaining("engine");
		assertThat(limiter.availableSlots()).isEqualTo(2);
		assertThat(limiter.active()).isZero();
		// a slot is given back once, however often it is closed
		Slot slot = limiter.acquire();
		slot.close();
		slot.close();
		assertThat(slot.isClosed()).isTrue();
		assertThat(limiter.availableSlots()).isEqualTo(2);
		assertThat(limiter.active()).isZero();
		// still fully usable, and still limited
		assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
		assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
		assertThat(HeldSlots.of(limiter).tryAcquire()).isFalse();
	}

	@Test
	void aSlotIsAHandleClosedByTryWithResources() {
		BoundedLimiter limiter = limiter(1, Duration.ZERO, null);
		try (Slot slot = limiter.acquire()) {
			assertThat(slot.isClosed()).isFalse();
			assertThat(limiter.active()).isOne();
			assertThat(limiter.tryAcquire()).isNull();
			assertThatExceptionOfType(BoundedRejectedException.class).isThrownBy(limiter::acquire);
		}
		assertThat(limiter.active()).isZero();
		Slot again = limiter.tryAcquire();
		assertThat(again).isNotNull();
		assertThat(again.toString()).contains("engine");
		again.close();
		assertThat(limiter.availableSlots()).isOne();
	}

	@Test
	void blockedCallersWithExpiriesAndInterruptsNeverOverAdmitOrLeak() throws InterruptedException {
		int limit = 3;
		BoundedLimiter limiter = new BoundedLimiter(new BoundedSettings("stress", limit, Duration.ofMillis(3), 6));
		AtomicInteger current = new AtomicInteger();
		AtomicInteger max = new AtomicInteger();
		AtomicInteger admitted = new AtomicInteger();
		AtomicInteger rejected = new AtomicInteger();
		AtomicInteger interruptedRejections = new AtomicInteger();
		AtomicReference<Throwable> unexpected = new AtomicReference<>();
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
		int callers = 10;
		List<Thread> workers = new ArrayList<>();
		for (int i = 0; i < callers; i++) {
			workers.add(start("stress-" + i, () -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				while (System.nanoTime() < deadline) {
					try {
						HeldSlots.of(limiter).acquire();
					}
					catch (BoundedRejectedException ex) {
						rejected.incrementAndGet();
						if (Thread.interrupted()) {
							interruptedRejections.incrementAndGet();
						}
						continue;
					}
					catch (Throwable ex) {
						unexpected.compareAndSet(null, ex);
						return;
					}
					admitted.incrementAndGet();
					int now = current.incrementAndGet();
					max.accumulateAndGet(now, Math::max);
					long busy = random.nextLong(TimeUnit.MICROSECONDS.toNanos(1500));
					long until = System.nanoTime() + busy;
					while (System.nanoTime() < until) {
						Thread.onSpinWait();
					}
					current.decrementAndGet();
					HeldSlots.of(limiter).release();
					// an interrupt that landed outside acquire is not part of the test
					Thread.interrupted();
				}
			}));
		}
		ThreadLocalRandom random = ThreadLocalRandom.current();
		while (System.nanoTime() < deadline) {
			workers.get(random.nextInt(callers)).interrupt();
			Thread.sleep(0, random.nextInt(500_000));
		}
		for (Thread worker : workers) {
			worker.join(10_000);
			assertThat(worker.isAlive()).isFalse();
		}
		assertThat(unexpected.get()).isNull();
		assertThat(max.get()).isEqualTo(limit);
		assertThat(current.get()).isZero();
		assertThat(admitted.get()).isPositive();
		assertThat(rejected.get()).isPositive();
		assertThat(interruptedRejections.get()).isPositive();
		assertThat(limiter.availableSlots()).isEqualTo(limit);
		assertThat(limiter.active()).isZero();
		assertThat(limiter.waiting()).isZero();
		// nothing is stuck: every slot can be taken again, and no more
		for (int i = 0; i < limit; i++) {
			assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
		}
		assertThat(HeldSlots.of(limiter).tryAcquire()).isFalse();
	}

}
