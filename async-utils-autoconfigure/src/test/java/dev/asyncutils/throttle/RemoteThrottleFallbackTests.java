package dev.asyncutils.throttle;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.asyncutils.backend.RemoteThrottle;
import dev.asyncutils.backend.Backend;
import dev.asyncutils.backend.BackendSettings;
import dev.asyncutils.backend.OnFailure;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A remote bucket whose store breaks its promise to answer within the command timeout:
 * the caller falls back to the local bucket with what is left of its max-wait, not with
 * none.
 */
@Timeout(30)
class RemoteThrottleFallbackTests {

	@Test
	void aStoreThatNeverAnswersFallsBackLocallyWithTheCallersMaxWait() {
		BackendSettings backend = new BackendSettings(Backend.REDIS, "t:", OnFailure.LOCAL, Duration.ofMillis(50),
				null);
		// one permit every 3 s, and callers may wait up to 20 s
		ThrottleSettings settings = new ThrottleSettings("silent", 1, Duration.ofSeconds(3), 1, Duration.ofSeconds(20),
				backend);
		TokenBucket bucket = new TokenBucket(settings, System::nanoTime, new Silent());
		bucket.acquire();
		long start = System.nanoTime();
		// the store is silent again; the local bucket's next permit is about 2 s away
		bucket.acquire();
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(1500);
		assertThat(bucket.permittedCount()).isEqualTo(2);
		assertThat(bucket.rejectedCount()).isZero();
	}

	/**
	 * A store that never answers: a broken backend, which the caller must survive.
	 */
	private static final class Silent implements RemoteThrottle {

		@Override
		public CompletableFuture<Long> reserve(int permits, long maxWaitNanos, long timeoutNanos) {
			return new CompletableFuture<>();
		}

		@Override
		public RemoteThrottle forKey(String key) {
			return this;
		}

		@Override
		public int availablePermits() {
			return 0;
		}

		@Override
		public boolean healthy() {
			return false;
		}

		@Override
		public long failureCount() {
			return 0;
		}

		@Override
		public Map<String, Object> describe() {
			return Map.of();
		}

	}

}
