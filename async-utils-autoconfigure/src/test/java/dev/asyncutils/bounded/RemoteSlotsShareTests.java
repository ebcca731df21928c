package dev.asyncutils.bounded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import dev.asyncutils.backend.RemoteBounded;
import dev.asyncutils.backend.Backend;
import dev.asyncutils.backend.BackendSettings;
import dev.asyncutils.backend.BackendUnavailableException;
import dev.asyncutils.backend.FallbackShare;
import dev.asyncutils.backend.OnFailure;
import dev.asyncutils.backend.UnavailableRemote;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A remote bounded instance whose store is unavailable falls back to this process's share
 * of the slots; a smaller share frees no slot until enough holders gave theirs back.
 */
class RemoteSlotsShareTests {

	private final Unavailable remote = new Unavailable();

	private final BoundedLimiter limiter = new BoundedLimiter(new BoundedSettings("b", 5, Duration.ZERO, null,
			new BackendSettings(Backend.REDIS, "b:", OnFailure.LOCAL, Duration.ofMillis(50), Duration.ofSeconds(1))),
			this.remote);

	@Test
	void theFirstOfTwoProcessesTakesThreeOfFiveSlots() {
		this.remote.share = new FallbackShare(2, 0);
		assertThat(takeAll()).hasSize(3);
	}

	@Test
	void aSmallerShareWaitsForTheSlotsHeldBeyondIt() {
		this.remote.share = new FallbackShare(2, 0);
		List<Slot> held = takeAll();
		assertThat(held).hasSize(3);
		// a third process joined: 2 of 5 slots now
		this.remote.share = new FallbackShare(3, 1);
		held.remove(0).close();
		assertThat(this.limiter.tryAcquire()).isNull();
		held.remove(0).close();
		Slot again = this.limiter.tryAcquire();
		assertThat(again).isNotNull();
		assertThat(this.limiter.tryAcquire()).isNull();
		// alone again: the whole limit
		this.remote.share = FallbackShare.ALONE;
		assertThat(takeAll()).hasSize(3);
	}

	@Test
	void aProcessThatNeverReachedTheStoreTakesOneSlot() {
		this.remote.share = FallbackShare.UNKNOWN;
		assertThat(takeAll()).hasSize(1);
	}

	@Test
	void sharesChangingUnderConcurrentCallersLeakNoSlotAndNeverExceedTheLimit() throws Exception {
		FallbackShare[] shares = { FallbackShare.ALONE, new FallbackShare(2, 0), new FallbackShare(3, 2),
				new FallbackShare(6, 5), FallbackShare.UNKNOWN };
		AtomicInteger held = new AtomicInteger();
		AtomicInteger mostHeld = new AtomicInteger();
		AtomicInteger taken = new AtomicInteger();
		long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
		ExecutorService pool = Executors.newFixedThreadPool(5);
		List<Future<?>> workers = new ArrayList<>();
		for (int t = 0; t < 4; t++) {
			workers.add(pool.submit(() -> {
				while (System.nanoTime() < end) {
					Slot slot = this.limiter.tryAcquire();
					if (slot != null) {
						taken.incrementAndGet();
						mostHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
						Thread.yield();
						held.decrementAndGet();
						slot.close();
					}
				}
				return null;
			}));
		}
		workers.add(pool.submit(() -> {
			for (int i = 0; System.nanoTime() < end; i++) {
				this.remote.share = shares[i % shares.length];
				Thread.sleep(1);
			}
			return null;
		}));
		for (Future<?> worker : workers) {
			worker.get(10, TimeUnit.SECONDS);
		}
		pool.shutdown();
		assertThat(taken.get()).isPositive();
		assertThat(mostHeld.get()).isLessThanOrEqualTo(5);
		// every slot came back: the share's slots are all free
		this.remote.share = new FallbackShare(2, 0);
		assertThat(takeAll()).hasSize(3);
	}

	private List<Slot> takeAll() {
		List<Slot> slots = new ArrayList<>();
		Slot slot;
		while ((slot = this.limiter.tryAcquire()) != null) {
			slots.add(slot);
		}
		return slots;
	}

	/**
	 * A store that fails every command at once, with a share set by the test.
	 */
	private static final class Unavailable extends UnavailableRemote implements RemoteBounded {

		@Override
		public CompletableFuture<@Nullable String> tryAcquire(long timeoutNanos) {
			return CompletableFuture.failedFuture(new BackendUnavailableException("down"));
		}

		@Override
		public void release(String holder) {
		}

		@Override
		public int active() {
			return 0;
		}

		@Override
		public RemoteBounded forKey(String key) {
			return this;
		}

	}

}
