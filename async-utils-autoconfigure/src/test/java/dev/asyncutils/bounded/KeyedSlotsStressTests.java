package dev.asyncutils.bounded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.backend.BackendSettings;
import dev.asyncutils.core.admission.Permit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limits of the keys of a keyed {@link BoundedLimiter}, hammered by many threads
 * while a clock that runs far ahead makes idle keys' limits retire all the time, so that
 * slots are taken and released while their key's limit is being retired: no key is ever
 * over its limit, no slot is lost or counted twice (every key's limit is whole again at
 * the end, and a release never reaches a retired limit), every call has exactly one
 * outcome, and max-keys is never exceeded.
 */
@Timeout(120)
class KeyedSlotsStressTests {

	private static final int LIMIT = 2;

	private static final int KEYS = 12;

	private static final int MAX_KEYS = 8;

	@Test
	void slotsTakenAndReleasedWhileKeysRetireAreNeverLostNorDoubled() throws Exception {
		AtomicLong clock = new AtomicLong();
		BoundedSettings settings = new BoundedSettings("stress", LIMIT, Duration.ofMillis(20), null,
				BackendSettings.LOCAL, MAX_KEYS);
		BoundedLimiter limiter = new BoundedLimiter(settings, null, clock::get);
		ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
		AtomicIntegerArray inFlight = new AtomicIntegerArray(KEYS);
		AtomicInteger overLimit = new AtomicInteger();
		AtomicInteger maxKeysSeen = new AtomicInteger();
		AtomicInteger permitted = new AtomicInteger();
		AtomicInteger rejected = new AtomicInteger();
		AtomicInteger calls = new AtomicInteger();
		AtomicInteger cancelled = new AtomicInteger();
		AtomicInteger notFree = new AtomicInteger();
		Set<BoundedLimiter> limits = ConcurrentHashMap.newKeySet();
		ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
		int threads = 12;
		long runFor = TimeUnit.SECONDS.toNanos(4);
		CyclicBarrier start = new CyclicBarrier(threads + 1);
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			int mode = t % 3;
			Thread worker = new Thread(() -> {
				try {
					start.await();
					long begin = System.nanoTime();
					ThreadLocalRandom random = ThreadLocalRandom.current();
					while (System.nanoTime() - begin < runFor) {
						int key = random.nextInt(KEYS);
						calls.incrementAndGet();
						Permit permit;
						try {
							BoundedLimiter keyed = limiter.forKey("k" + key);
							limits.add(keyed);
							permit = take(keyed, mode, scheduler);
						}
						catch (BoundedRejectedException ex) {
							rejected.incrementAndGet();
							continue;
						}
						if (permit == null) {
							// tryAcquire found no free slot: not a rejection
							notFree.incrementAndGet();
							continue;
						}
						if (permit == CANCELLED) {
							cancelled.incrementAndGet();
							continue;
						}
						permitted.incrementAndGet();
						if (inFlight.incrementAndGet(key) > LIMIT) {
							overLimit.incrementAndGet();
						}
						maxKeysSeen.accumulateAndGet(limiter.keysHeld(), Math::max);
						if (random.nextInt(4) == 0) {
							Thread.yield();
						}
						inFlight.decrementAndGet(key);
						permit.release();
					}
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			}, "keyed-stress-" + t);
			workers.add(worker);
			worker.start();
		}
		// the clock jumps past the grace period all the time: every idle key's limit is
		// due to retire at its next look-up
		Thread ticker = new Thread(() -> {
			while (!Thread.currentThread().isInterrupted()) {
				clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(700));
				Thread.onSpinWait();
			}
		});
		ticker.setDaemon(true);
		start.await();
		ticker.start();
		for (Thread worker : workers) {
			worker.join(60_000);
			assertThat(worker.isAlive()).isFalse();
		}
		ticker.interrupt();
		scheduler.shutdownNow();
		assertThat(failures).isEmpty();
		assertThat(overLimit.get()).isZero();
		assertThat(maxKeysSeen.get()).isLessThanOrEqualTo(MAX_KEYS);
		assertThat(permitted.get() + rejected.get() + cancelled.get() + notFree.get()).isEqualTo(calls.get());
		// a waiter cancelled just after its grant was counted as permitted
		assertThat(limiter.permittedCount()).isBetween((long) permitted.get(),
				(long) permitted.get() + cancelled.get());
		assertThat(limiter.rejectedCount()).isEqualTo(rejected.get());
		System.out.printf(
				"keyed slots: %d calls, %d permitted, %d rejected, %d cancelled, %d found none free, %d limits%n",
				calls.get(), permitted.get(), rejected.get(), cancelled.get(), notFree.get(), limits.size());
		assertThat(permitted.get()).isGreaterThan(1000);
		// the keys' limits were retired and replaced all the time
		assertThat(limits).hasSizeGreaterThan(KEYS * 20);
		// every key's limit is whole: its current limit gives all its slots, and no more
		clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
		for (int key = 0; key < KEYS; key++) {
			BoundedLimiter keyed = limiter.forKey("k" + key);
			assertThat(keyed.active()).isZero();
			assertThat(keyed.waiting()).isZero();
			List<Slot> slots = new ArrayList<>();
			for (int i = 0; i < LIMIT; i++) {
				Slot slot = keyed.tryAcquire();
				assertThat(slot).as("slot %d of key k%d", i, key).isNotNull();
				slots.add(slot);
			}
			assertThat(keyed.tryAcquire()).isNull();
			slots.forEach(Slot::close);
			clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
		}
	}

	@Test
	void oneKeyRetiredAtEveryLookUpWhileItsSlotIsTakenAndReleased() throws Exception {
		AtomicLong clock = new AtomicLong();
		BoundedSettings settings = new BoundedSettings("one", 1, Duration.ZERO, null, BackendSettings.LOCAL, 1);
		BoundedLimiter limiter = new BoundedLimiter(settings, null, clock::get);
		AtomicInteger inFlight = new AtomicInteger();
		AtomicInteger overLimit = new AtomicInteger();
		AtomicInteger permitted = new AtomicInteger();
		Set<BoundedLimiter> limits = ConcurrentHashMap.newKeySet();
		ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
		long runFor = TimeUnit.SECONDS.toNanos(3);
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			Thread worker = new Thread(() -> {
				try {
					long begin = System.nanoTime();
					while (System.nanoTime() - begin < runFor) {
						// every look-up after a tick finds the key's limit expired: it
						// retires
						// unless a slot of it is held at that very moment
						clock.addAndGet(TimeUnit.SECONDS.toNanos(2));
						BoundedLimiter keyed = limiter.forKey("k");
						limits.add(keyed);
						Slot slot = keyed.tryAcquire();
						if (slot == null) {
							continue;
						}
						permitted.incrementAndGet();
						if (inFlight.incrementAndGet() > 1) {
							overLimit.incrementAndGet();
						}
						inFlight.decrementAndGet();
						slot.close();
					}
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			});
			workers.add(worker);
			worker.start();
		}
		for (Thread worker : workers) {
			worker.join(60_000);
		}
		System.out.printf("one key: %d permitted, %d limits%n", permitted.get(), limits.size());
		assertThat(failures).isEmpty();
		assertThat(overLimit.get()).isZero();
		assertThat(limits).hasSizeGreaterThan(1000);
		clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
		BoundedLimiter keyed = limiter.forKey("k");
		assertThat(keyed.active()).isZero();
		Slot slot = keyed.tryAcquire();
		assertThat(slot).isNotNull();
		assertThat(keyed.tryAcquire()).isNull();
		slot.close();
		assertThat(limiter.keysHeld()).isEqualTo(1);
	}

	@Test
	@Timeout(10)
	void clockPassingTheGraceDuringEveryLookUpStillGivesEachCallTheKeysCurrentLimit() {
		// every reading of the clock is more than the grace period after the one before:
		// a key's limit is due to retire by the time the look-up that created it ends,
		// which must neither hand that caller a retired limit nor send it from successor
		// to successor without end
		AtomicLong clock = new AtomicLong();
		BoundedSettings settings = new BoundedSettings("racing", 1, Duration.ZERO, null, BackendSettings.LOCAL, 2);
		BoundedLimiter limiter = new BoundedLimiter(settings, null, () -> clock.addAndGet(TimeUnit.SECONDS.toNanos(2)));
		for (int i = 0; i < 50; i++) {
			BoundedLimiter keyed = limiter.forKey("k" + (i % 3));
			Slot slot = keyed.tryAcquire();
			assertThat(slot).as("slot of call %d", i).isNotNull();
			assertThat(limiter.forKey("k" + (i % 3)).tryAcquire()).isNull();
			slot.close();
			assertThat(limiter.keysHeld()).isLessThanOrEqualTo(2);
		}
		assertThat(limiter.permittedCount()).isEqualTo(50);
	}

	private static void closeTwice(Slot slot) {
		slot.close();
		slot.close();
	}

	/** What {@link #take} answers for a waiter the test cancelled. */
	private static final Permit CANCELLED = () -> {
	};

	/**
	 * Take a slot of a key's limit: without waiting, waiting on this thread, or through a
	 * future (cancelled now and then).
	 * @return the permit, {@code null} if none was free now, or {@link #CANCELLED}
	 */
	private static Permit take(BoundedLimiter keyed, int mode, ScheduledExecutorService scheduler) throws Exception {
		switch (mode) {
			case 0 -> {
				Slot slot = keyed.tryAcquire();
				// a second close must change nothing
				return (slot != null) ? () -> closeTwice(slot) : null;
			}
			case 1 -> {
				Slot slot = keyed.acquire();
				return () -> closeTwice(slot);
			}
			default -> {
				CompletableFuture<Permit> later = keyed.admission().admitLater(scheduler);
				if (ThreadLocalRandom.current().nextInt(8) == 0 && later.cancel(false)) {
					// gave up while waiting (or just after the grant: the slot went back)
					return CANCELLED;
				}
				try {
					return later.get(10, TimeUnit.SECONDS);
				}
				catch (java.util.concurrent.ExecutionException ex) {
					if (ex.getCause() instanceof BoundedRejectedException rejected) {
						throw rejected;
					}
					throw ex;
				}
			}
		}
	}

}
