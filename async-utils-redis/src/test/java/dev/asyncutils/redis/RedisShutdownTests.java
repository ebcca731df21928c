package dev.asyncutils.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

import dev.asyncutils.annotation.Bounded;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing the context: the calls running at close finish, and every Redis slot this
 * process still holds is removed from Redis before the connection closes, instead of
 * staying held until its lease runs out.
 */
@Timeout(60)
class RedisShutdownTests extends RedisTestSupport {

	private static final String KEY = "async-utils:bounded:shared";

	@Test
	void slotsStillHeldAtCloseAreRemovedFromRedis() throws Exception {
		ConfigurableApplicationContext context = start(new Probe(), new Class<?>[] { Holder.class },
				props("async-utils.bounded.instances.shared.backend=redis",
						"async-utils.bounded.instances.shared.max-concurrent=3",
						"async-utils.bounded.instances.shared.redis.lease-time=30s"));
		Holder bean = context.getBean(Holder.class);
		CountDownLatch holding = new CountDownLatch(2);
		CompletableFuture<String> release = new CompletableFuture<>();
		CompletableFuture<String> first = bean.holdUntil(holding, release).toCompletableFuture();
		CompletableFuture<String> second = bean.holdUntil(holding, release).toCompletableFuture();
		assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(redis().zcard(KEY)).isEqualTo(2);
		context.close();
		// gone at once, not after the 30 s lease
		assertThat(redis().zcard(KEY)).isZero();
		// the calls still end with their own outcome
		release.complete("done");
		assertThat(first).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("done");
		assertThat(second).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("done");
		assertThat(redis().zcard(KEY)).isZero();
	}

	static class Holder {

		@Bounded(name = "shared")
		public CompletableFuture<String> holdUntil(CountDownLatch holding, CompletableFuture<String> release) {
			holding.countDown();
			return release;
		}

	}

}
