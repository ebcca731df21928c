package dev.asyncutils.benchmarks;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import com.google.common.util.concurrent.RateLimiter;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.local.SynchronizationStrategy;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;

import dev.asyncutils.throttle.ThrottleProperties;
import dev.asyncutils.throttle.ThrottleRegistry;
import dev.asyncutils.throttle.TokenBucket;

/**
 * The four rate limiters compared, each built through its own public, programmatic API
 * (no AOP) and reduced to a non-waiting "take one permit now" call.
 */
enum Limiters {

	/**
	 * Our {@link TokenBucket}, obtained from a {@link ThrottleRegistry} as application
	 * code does; {@code tryAcquire()}.
	 */
	OURS("async-utils TokenBucket") {
		@Override
		BooleanSupplier create(long permitsPerSecond, int burst) {
			ThrottleProperties properties = new ThrottleProperties();
			ThrottleProperties.Spec spec = new ThrottleProperties.Spec();
			spec.setRate((double) permitsPerSecond);
			spec.setPer(Duration.ofSeconds(1));
			spec.setBurst(burst);
			spec.setMaxWait(Duration.ZERO);
			properties.getInstances().put("bench", spec);
			TokenBucket bucket = new ThrottleRegistry(properties).get("bench");
			return bucket::tryAcquire;
		}
	},

	/**
	 * Resilience4j's {@link AtomicRateLimiter}: a fixed refresh period with a permit
	 * count; a burst {@code b} at rate {@code r}/s is {@code b} permits every
	 * {@code b / r} s. {@code acquirePermission()} with a zero timeout.
	 */
	RESILIENCE4J("Resilience4j AtomicRateLimiter") {
		@Override
		BooleanSupplier create(long permitsPerSecond, int burst) {
			long periodNanos = Math.max(1, Math.round(1e9 * burst / permitsPerSecond));
			AtomicRateLimiter limiter = new AtomicRateLimiter("bench",
					RateLimiterConfig.custom()
						.limitForPeriod(burst)
						.limitRefreshPeriod(Duration.ofNanos(periodNanos))
						.timeoutDuration(Duration.ZERO)
						.build());
			return limiter::acquirePermission;
		}
	},

	/**
	 * Bucket4j's local lock-free bucket, greedy refill, nanosecond clock;
	 * {@code tryConsume(1)}.
	 */
	BUCKET4J("Bucket4j local lock-free") {
		@Override
		BooleanSupplier create(long permitsPerSecond, int burst) {
			Bucket bucket = Bucket.builder()
				.addLimit((limit) -> limit.capacity(burst).refillGreedy(permitsPerSecond, Duration.ofSeconds(1)))
				.withNanosecondPrecision()
				.withSynchronizationStrategy(SynchronizationStrategy.LOCK_FREE)
				.build();
			return () -> bucket.tryConsume(1);
		}
	},

	/**
	 * Guava's {@link RateLimiter} (smooth bursty, a lock per call). Its burst is not
	 * configurable through the public API: one second of permits, stored only while idle.
	 * {@code tryAcquire()}.
	 */
	GUAVA("Guava RateLimiter") {
		@Override
		BooleanSupplier create(long permitsPerSecond, int burst) {
			RateLimiter limiter = RateLimiter.create(permitsPerSecond);
			return limiter::tryAcquire;
		}
	};

	private final String label;

	Limiters(String label) {
		this.label = label;
	}

	/**
	 * Return a human-readable name.
	 * @return the label
	 */
	String label() {
		return this.label;
	}

	/**
	 * Create a limiter.
	 * @param permitsPerSecond the rate
	 * @param burst the burst (ignored by Guava)
	 * @return a call that takes one permit if one is free now
	 */
	abstract BooleanSupplier create(long permitsPerSecond, int burst);

}
