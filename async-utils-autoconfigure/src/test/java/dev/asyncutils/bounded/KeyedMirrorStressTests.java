package dev.asyncutils.bounded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.backend.BackendSettings;

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

}
