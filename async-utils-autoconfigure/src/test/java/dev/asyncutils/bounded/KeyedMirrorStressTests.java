package dev.asyncutils.bounded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.backend.BackendSettings;
import dev.asyncutils.core.admission.Permit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The limits of a keyed {@link BoundedLimiter} found through the mirror of the keys'
 * cache: a limit that expires while it is held is kept aside and must still be forgotten
 * once free (with or without a scheduler, even when its key never comes back), a key that
 * nobody calls any more is forgotten by the scheduler alone, and many callers of a few
 * keys, stalled between their look-up and their use while the clock runs past the grace
 * period, never over-admit a key nor lose a slot.
 */
@Timeout(60)
class KeyedMirrorStressTests {

	private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

	private final AtomicLong clock = new AtomicLong();

	private final List<ScheduledExecutorService> timers = new ArrayList<>();

	@AfterEach
	void stopTimers() {
		this.timers.forEach(ScheduledExecutorService::shutdownNow);
	}

	private ScheduledExecutorService timer() {
		ScheduledExecutorService timer = Executors.newScheduledThreadPool(1);
		this.timers.add(timer);
		return timer;
	}

	private BoundedLimiter limiter(int limit, Duration maxWait, int maxKeys) {
		return new BoundedLimiter(new BoundedSettings("mirror", limit, maxWait, null, BackendSettings.LOCAL, maxKeys),
				null, this.clock::get);
	}

	@Test
	void limitsThatExpiredWhileHeldAreForgottenOnceFreeWithoutAScheduler() {
		BoundedLimiter limiter = limiter(1, Duration.ZERO, 2);
		Slot a = limiter.forKey("a").tryAcquire();
		Slot b = limiter.forKey("b").tryAcquire();
		assertThat(a).isNotNull();
		assertThat(b).isNotNull();
		this.clock.addAndGet(10 * SECOND);
		// max-keys keys are held, and held they stay when their limits expire
		assertThatExceptionOfType(BoundedRejectedException.class).isThrownBy(() -> limiter.forKey("c"));
		a.close();
		b.close();
		// keys a and b never come back; new keys do, long after a and b were free
		int admitted = 0;
		for (int i = 0; i < 200; i++) {
			this.clock.addAndGet(10 * SECOND);
			try {
				Slot slot = limiter.forKey("new-" + i).tryAcquire();
				assertThat(slot).isNotNull();
				slot.close();
				admitted++;
			}
			catch (BoundedRejectedException ex) {
				// a key held beyond its time
			}
			assertThat(limiter.keysHeld()).isBetween(0, 2);
		}
		assertThat(admitted).as("new keys admitted while two forgotten keys' limits were free").isGreaterThan(190);
	}

	@Test
	void aLimitThatExpiredWhileHeldIsForgottenWhileOnlyAnotherKnownKeyIsCalledWithoutAScheduler() {
		BoundedLimiter limiter = limiter(1, Duration.ZERO, 10);
		Slot held = limiter.forKey("gone").tryAcquire();
		limiter.forKey("busy").tryAcquire().close();
		this.clock.addAndGet(10 * SECOND);
		// the look-ups of the known key run the expiry now and then: the held limit
		// expires
		// while held and is kept aside
		for (int i = 0; i < 2_000; i++) {
			limiter.forKey("busy").tryAcquire().close();
		}
		held.close();
		for (int i = 0; i < 20_000; i++) {
			this.clock.addAndGet(SECOND / 10);
			Slot slot = limiter.forKey("busy").tryAcquire();
			assertThat(slot).isNotNull();
			slot.close();
		}
		assertThat(limiter.keysHeld()).as("keys held after 2,000 s during which key 'gone' was free").isEqualTo(1);
	}

	@Test
	void anIdleKeyIsForgottenByTheSchedulerWhenNoCallComes() {
		BoundedLimiter limiter = limiter(1, Duration.ZERO, 10);
		limiter.keyTimer(timer());
		limiter.forKey("k").tryAcquire().close();
		assertThat(limiter.keysHeld()).isEqualTo(1);
		this.clock.addAndGet(10 * SECOND);
		Awaits.until("the idle key is forgotten without any further call", () -> limiter.keysHeld() == 0,
				() -> "keys held: " + limiter.keysHeld());
	}

	@Test
	void aKeyHeldWhenItExpiresIsForgottenByTheSchedulerOnceFree() {
		BoundedLimiter limiter = limiter(1, Duration.ZERO, 10);
		limiter.keyTimer(timer());
		BoundedLimiter keyed = limiter.forKey("k");
		Slot slot = keyed.tryAcquire();
		// some calls that find the key, so the cache's upkeep has run
		for (int i = 0; i < 200; i++) {
			assertThat(limiter.forKey("k").tryAcquire()).isNull();
		}
		this.clock.addAndGet(10 * SECOND);
		limiter.forKey("other").tryAcquire().close();
		slot.close();
		this.clock.addAndGet(10 * SECOND);
		Awaits.until("the keys are forgotten once free, without any further call", () -> limiter.keysHeld() == 0,
				() -> "keys held: " + limiter.keysHeld());
	}

	@Test
	void waitersOfALimitThatExpiresWhileTheyWaitAreServedByItAndNewCallersJoinThem() throws Exception {
		BoundedLimiter limiter = limiter(1, Duration.ofSeconds(20), 4);
		BoundedLimiter keyed = limiter.forKey("k");
		Slot holder = keyed.tryAcquire();
		AtomicInteger inFlight = new AtomicInteger();
		AtomicInteger overLimit = new AtomicInteger();
		AtomicInteger served = new AtomicInteger();
		Set<BoundedLimiter> limits = ConcurrentHashMap.newKeySet();
		ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
		Runnable caller = () -> {
			try {
				BoundedLimiter limit = limiter.forKey("k");
				limits.add(limit);
				Slot slot = limit.acquire();
				if (inFlight.incrementAndGet() > 1) {
					overLimit.incrementAndGet();
				}
				Thread.sleep(2);
				inFlight.decrementAndGet();
				slot.close();
				served.incrementAndGet();
			}
			catch (Throwable ex) {
				failures.add(ex);
			}
		};
		List<Thread> callers = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			callers.add(start(caller));
		}
		Awaits.until("four callers wait", () -> keyed.waiting() == 4);
		// the limit expires while held and waited for: the look-ups of another key run
		// the expiry (one in 64)
		this.clock.addAndGet(10 * SECOND);
		for (int i = 0; i < 2_000; i++) {
			limiter.forKey("other");
		}
		// kept aside and handed back: not replaced by a limit with a free slot
		assertThat(limiter.forKey("k")).isSameAs(keyed);
		assertThat(limiter.forKey("k").tryAcquire()).isNull();
		for (int i = 0; i < 2; i++) {
			callers.add(start(caller));
		}
		Awaits.until("six callers wait", () -> keyed.waiting() == 6);
		holder.close();
		for (Thread thread : callers) {
			thread.join(10_000);
			assertThat(thread.isAlive()).isFalse();
		}
		assertThat(failures).isEmpty();
		assertThat(served.get()).isEqualTo(6);
		assertThat(overLimit.get()).isZero();
		assertThat(limits).containsExactly(keyed);
		assertThat(keyed.active()).isZero();
		assertThat(keyed.waiting()).isZero();
		// free now, forgotten a grace period later; its key then gets a fresh limit
		this.clock.addAndGet(10 * SECOND);
		for (int i = 0; i < 2_000 && limiter.keysHeld() > 1; i++) {
			limiter.forKey("other");
		}
		assertThat(limiter.keysHeld()).isEqualTo(1);
		BoundedLimiter fresh = limiter.forKey("k");
		assertThat(fresh).isNotSameAs(keyed);
		Slot slot = fresh.tryAcquire();
		assertThat(slot).isNotNull();
		assertThat(fresh.tryAcquire()).isNull();
		slot.close();
	}

	@Test
	void waitersOfAKeyWhoseLimitExpiredUnnoticedAreEndedAtShutdown() throws Exception {
		// a use no longer renews the expiry: a limit that is held and waited for expires
		// a grace period after its creation, and stays in the cache, expired, until the
		// next upkeep; the shutdown must still end its waiters
		BoundedLimiter limiter = limiter(1, Duration.ofSeconds(30), 4);
		BoundedLimiter keyed = limiter.forKey("k");
		Slot holder = keyed.tryAcquire();
		AtomicReference<Throwable> outcome = new AtomicReference<>();
		Thread waiter = start(() -> {
			try {
				limiter.forKey("k").acquire().close();
				outcome.set(new AssertionError("granted a slot"));
			}
			catch (Throwable ex) {
				outcome.set(ex);
			}
		});
		Awaits.until("a caller waits", () -> keyed.waiting() == 1);
		this.clock.addAndGet(10 * SECOND);
		limiter.shutDown();
		waiter.join(5_000);
		try {
			assertThat(waiter.isAlive()).as("the waiter still waits 5 s after the shutdown").isFalse();
			assertThat(outcome.get()).isInstanceOf(RejectedExecutionException.class)
				.hasMessageContaining("shutting down");
		}
		finally {
			waiter.interrupt();
			holder.close();
		}
	}

	@Test
	@Timeout(20)
	void clockPassingTheGraceAtEveryReadWithASchedulerStillGivesEachCallASlot() throws Exception {
		// every reading of the clock is 2 s after the one before: with a scheduler, the
		// cache's upkeep runs on it, at the same time as the calls, and may retire a
		// limit
		// that a caller just looked up; that caller goes to the key's next limit, and
		// must
		// get a slot in the end, without going from successor to successor without end
		AtomicLong racing = new AtomicLong();
		BoundedLimiter limiter = new BoundedLimiter(
				new BoundedSettings("racing", 1, Duration.ZERO, null, BackendSettings.LOCAL, 2), null,
				() -> racing.addAndGet(2 * SECOND));
		limiter.keyTimer(timer());
		for (int i = 0; i < 2_000; i++) {
			BoundedLimiter keyed = limiter.forKey("k" + (i % 3));
			Slot slot = keyed.tryAcquire();
			assertThat(slot).as("slot of call %d", i).isNotNull();
			assertThat(limiter.forKey("k" + (i % 3)).tryAcquire()).isNull();
			slot.close();
			assertThat(limiter.keysHeld()).isBetween(0, 2);
		}
		assertThat(limiter.permittedCount()).isEqualTo(2_000);
	}

	@Test
	void stalledCallersOfFewKeysNeverOverAdmitNorLoseASlotWithoutAScheduler() throws Exception {
		stress(false);
	}

	@Test
	void stalledCallersOfFewKeysNeverOverAdmitNorLoseASlotWithAScheduler() throws Exception {
		stress(true);
	}

	/**
	 * Six threads on three keys with max-keys 2: each looks its key up, sometimes stalls
	 * before using it, takes a slot (without waiting, waiting on its thread, or through a
	 * future), sometimes holds it across a stall, and releases it; each call moves the
	 * clock by up to 0.6 s, so limits expire all the time, idle or held.
	 */
	private void stress(boolean scheduled) throws Exception {
		int limit = 2;
		int keys = 3;
		int maxKeys = 2;
		BoundedLimiter limiter = limiter(limit, Duration.ofMillis(20), maxKeys);
		ScheduledExecutorService futures = timer();
		if (scheduled) {
			limiter.keyTimer(timer());
		}
		AtomicIntegerArray inFlight = new AtomicIntegerArray(keys);
		AtomicInteger overLimit = new AtomicInteger();
		AtomicInteger keysOutOfRange = new AtomicInteger();
		AtomicInteger calls = new AtomicInteger();
		AtomicInteger permitted = new AtomicInteger();
		AtomicInteger rejected = new AtomicInteger();
		AtomicInteger none = new AtomicInteger();
		Set<BoundedLimiter> limits = ConcurrentHashMap.newKeySet();
		ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
		long runFor = TimeUnit.SECONDS.toNanos(3);
		List<Thread> workers = new ArrayList<>();
		for (int t = 0; t < 6; t++) {
			int mode = t % 3;
			workers.add(start(() -> {
				try {
					long begin = System.nanoTime();
					ThreadLocalRandom random = ThreadLocalRandom.current();
					while (System.nanoTime() - begin < runFor) {
						int key = random.nextInt(keys);
						calls.incrementAndGet();
						this.clock.addAndGet(random.nextLong(600 * TimeUnit.MILLISECONDS.toNanos(1)));
						Slot slot;
						try {
							BoundedLimiter keyed = limiter.forKey("k" + key);
							limits.add(keyed);
							if (random.nextInt(32) == 0) {
								// stalled between look-up and use
								Thread.sleep(1);
							}
							slot = take(keyed, mode, futures);
						}
						catch (BoundedRejectedException ex) {
							rejected.incrementAndGet();
							continue;
						}
						if (slot == null) {
							none.incrementAndGet();
							continue;
						}
						permitted.incrementAndGet();
						if (inFlight.incrementAndGet(key) > limit) {
							overLimit.incrementAndGet();
						}
						int held = limiter.keysHeld();
						if (held < 0 || held > maxKeys) {
							keysOutOfRange.incrementAndGet();
						}
						if (random.nextInt(32) == 0) {
							// held across a stall: its limit expires while held
							Thread.sleep(1);
						}
						inFlight.decrementAndGet(key);
						slot.close();
					}
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			}));
		}
		for (Thread worker : workers) {
			worker.join(30_000);
			assertThat(worker.isAlive()).isFalse();
		}
		System.out.printf("stalled keyed slots (%s): %d calls, %d permitted, %d rejected, %d none free, %d limits%n",
				scheduled ? "scheduled" : "unscheduled", calls.get(), permitted.get(), rejected.get(), none.get(),
				limits.size());
		assertThat(failures).isEmpty();
		assertThat(overLimit.get()).isZero();
		assertThat(keysOutOfRange.get()).isZero();
		assertThat(permitted.get() + rejected.get() + none.get()).isEqualTo(calls.get());
		assertThat(limiter.rejectedCount()).isEqualTo(rejected.get());
		assertThat(permitted.get()).isGreaterThan(1000);
		assertThat(limits).hasSizeGreaterThan(keys * 10);
		for (BoundedLimiter keyed : limits) {
			assertThat(keyed.active()).isZero();
			assertThat(keyed.waiting()).isZero();
		}
		// every key's limit is whole once the others are forgotten
		for (int key = 0; key < keys; key++) {
			this.clock.addAndGet(100 * SECOND);
			BoundedLimiter keyed = limiter.forKey("k" + key);
			List<Slot> slots = new ArrayList<>();
			for (int i = 0; i < limit; i++) {
				Slot slot = keyed.tryAcquire();
				assertThat(slot).as("slot %d of key k%d", i, key).isNotNull();
				slots.add(slot);
			}
			assertThat(keyed.tryAcquire()).isNull();
			slots.forEach(Slot::close);
		}
		this.clock.addAndGet(100 * SECOND);
		if (scheduled) {
			Awaits.until("idle keys are forgotten without any call", () -> limiter.keysHeld() == 0,
					() -> "keys held: " + limiter.keysHeld());
		}
		else {
			for (int i = 0; i < 2_000 && limiter.keysHeld() > 1; i++) {
				limiter.forKey("k0");
			}
			assertThat(limiter.keysHeld()).isEqualTo(1);
		}
	}

	private static Thread start(Runnable task) {
		Thread thread = new Thread(task);
		thread.start();
		return thread;
	}

	/**
	 * Take a slot: without waiting, waiting on this thread, or through a future.
	 * @return the slot, {@code null} if none was free and the call may not wait
	 */
	private static Slot take(BoundedLimiter keyed, int mode, ScheduledExecutorService futures) throws Exception {
		switch (mode) {
			case 0 -> {
				return keyed.tryAcquire();
			}
			case 1 -> {
				return keyed.acquire();
			}
			default -> {
				CompletableFuture<Permit> later = keyed.admission().admitLater(futures);
				Permit permit;
				try {
					permit = later.get(10, TimeUnit.SECONDS);
				}
				catch (ExecutionException ex) {
					if (ex.getCause() instanceof BoundedRejectedException rejected) {
						throw rejected;
					}
					throw ex;
				}
				return new Slot("mirror", permit);
			}
		}
	}

}
