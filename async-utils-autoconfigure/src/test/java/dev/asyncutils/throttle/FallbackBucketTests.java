package dev.asyncutils.throttle;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.asyncutils.backend.RemoteThrottle;
import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.backend.Backend;
import dev.asyncutils.backend.BackendSettings;
import dev.asyncutils.backend.BackendUnavailableException;
import dev.asyncutils.backend.FallbackShare;
import dev.asyncutils.backend.OnFailure;
import dev.asyncutils.backend.UnavailableRemote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A remote throttle whose store is unavailable falls back to a local bucket of this
 * process's share: the burst divided into whole permits, the rate exactly; a new share
 * gives a new (full) bucket.
 */
class FallbackBucketTests {

	private final AtomicLong clock = new AtomicLong(1_000_000_000L);

	private final Unavailable remote = new Unavailable();

	// 10 a second, burst 5, callers never wait
	private final TokenBucket bucket = new TokenBucket(
			new ThrottleSettings("t", 10, Duration.ofSeconds(1), 5, Duration.ZERO,
					new BackendSettings(Backend.REDIS, "t:", OnFailure.LOCAL, Duration.ofMillis(50), null)),
			this.clock::get, this.remote);

	@Test
	void theSecondOfThreeProcessesTakesTwoOfTheBurstAndAThirdOfTheRate() {
		this.remote.share = new FallbackShare(3, 1);
		assertThat(takeAll()).isEqualTo(2);
		// a permit every 300 ms instead of 100 ms
		this.clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(299));
		assertThat(this.bucket.tryAcquire()).isFalse();
		this.clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
		assertThat(this.bucket.tryAcquire()).isTrue();
		assertThatExceptionOfType(ThrottleRejectedException.class).isThrownBy(this.bucket::acquire)
			.withMessageContaining("local fallback while redis is unavailable: 2 of burst 5 for 2 of 3 processes")
			.satisfies((ex) -> assertThat(ex.retryAfter()).isEqualTo(Duration.ofMillis(300)));
		assertThat(this.bucket.permittedCount()).isEqualTo(3);
	}

	@Test
	void theLastOfMoreProcessesThanPermitsAdmitsNothing() {
		this.remote.share = new FallbackShare(6, 5);
		assertThat(takeAll()).isZero();
		this.clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
		assertThat(takeAll()).isZero();
	}

	@Test
	void aProcessThatNeverReachedTheStoreTakesOnePermitOfTheBurstAndAFifthOfTheRate() {
		this.remote.share = FallbackShare.UNKNOWN;
		assertThat(takeAll()).isOne();
		this.clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(499));
		assertThat(takeAll()).isZero();
		this.clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
		assertThat(takeAll()).isOne();
	}

	@Test
	void aNewShareGivesAFullBucketOfThatShare() {
		this.remote.share = new FallbackShare(2, 0);
		assertThat(takeAll()).isEqualTo(3);
		this.remote.share = FallbackShare.ALONE;
		assertThat(takeAll()).isEqualTo(5);
	}

	private int takeAll() {
		int taken = 0;
		while (this.bucket.tryAcquire()) {
			taken++;
		}
		return taken;
	}

	/**
	 * A store that fails every command at once, with a share set by the test.
	 */
	private static final class Unavailable extends UnavailableRemote implements RemoteThrottle {

		@Override
		public CompletableFuture<Long> reserve(int permits, long maxWaitNanos, long timeoutNanos) {
			return CompletableFuture.failedFuture(new BackendUnavailableException("down"));
		}

		@Override
		public RemoteThrottle forKey(String key) {
			return this;
		}

		@Override
		public int availablePermits() {
			return 0;
		}

	}

}
