package dev.asyncutils.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.Throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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

	@Test
	void callsArrivingAfterTheBackendStoppedEndWithRejectedExecution() {
		ConfigurableApplicationContext context = start(new Probe(), new Class<?>[] { Holder.class, Rated.class },
				props("async-utils.bounded.instances.shared.backend=redis",
						"async-utils.bounded.instances.shared.max-concurrent=3",
						"async-utils.throttle.instances.rated.backend=redis",
						"async-utils.throttle.instances.rated.rate=100"));
		Holder bean = context.getBean(Holder.class);
		// the context is closing: the backend stops before its connection closes
		context.getBean(RedisBackend.class).stop();
		// no failure mode applies (the default, local, would admit them on this JVM
		// alone)
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(bean::plain)
			.withMessageContaining("shutting down");
		assertThat(bean.stage()).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.havingRootCause()
			.isInstanceOf(RejectedExecutionException.class)
			.withMessageContaining("shutting down");
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(context.getBean(Rated.class)::rated)
			.withMessageContaining("shutting down");
	}

	static class Holder {

		@Bounded(name = "shared")
		public void plain() {
		}

		@Bounded(name = "shared")
		public CompletableFuture<String> stage() {
			return CompletableFuture.completedFuture("stage");
		}

		@Bounded(name = "shared")
		public CompletableFuture<String> holdUntil(CountDownLatch holding, CompletableFuture<String> release) {
			holding.countDown();
			return release;
		}

	}

	static class Rated {

		@Throttle(name = "rated")
		public void rated() {
		}

	}

}
