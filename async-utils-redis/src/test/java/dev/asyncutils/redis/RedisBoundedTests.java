package dev.asyncutils.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

import org.springframework.boot.convert.DurationStyle;
import org.springframework.context.ConfigurableApplicationContext;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.bounded.BoundedLimiter;
import dev.asyncutils.bounded.BoundedRegistry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code @Bounded} with {@code backend: redis}: several application contexts (as several
 * JVMs would) never hold more than {@code max-concurrent} slots together; a slot whose
 * holder died (stopped renewing) comes back after the lease time and not before; a live
 * holder keeps its slot past the lease time; every path gives its slot back.
 */
@Timeout(60)
class RedisBoundedTests extends RedisTestSupport {

	private static final Class<?>[] BEANS = { Guarded.class };

	private static String[] shared(String limit, String maxWait, String leaseTime) {
		// as long a command timeout as the lease time allows (a third of it, at most 1s):
		// on a loaded machine a stalled command must not turn into a rejection
		long timeout = Math.min(1000, DurationStyle.detectAndParse(leaseTime).toMillis() / 3);
		return props("async-utils.bounded.instances.shared.backend=redis",
				"async-utils.bounded.instances.shared.max-concurrent=" + limit,
				"async-utils.bounded.instances.shared.max-wait=" + maxWait,
				"async-utils.bounded.instances.shared.redis.lease-time=" + leaseTime,
				"async-utils.bounded.instances.shared.redis.timeout=" + timeout + "ms",
				// a command stalled on a loaded machine must reject, not fall back to a
				// local
				// limit (which would admit beyond the shared limit: that is what local
				// means)
				"async-utils.bounded.instances.shared.redis.on-failure=fail-closed");
	}

	@Test
	void severalContextsTogetherNeverRunMoreThanTheLimit() throws Exception {
		Probe probe = new Probe();
		List<Guarded> beans = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			beans.add(start(probe, BEANS, shared("3", "10s", "5s")).getBean(Guarded.class));
		}
		ExecutorService pool = Executors.newFixedThreadPool(6);
		List<Future<?>> calls = new ArrayList<>();
		List<CompletableFuture<?>> async = new ArrayList<>();
		for (int i = 0; i < 60; i++) {
			Guarded bean = beans.get(i % 3);
			switch (i % 3) {
				case 0 -> calls.add(pool.submit(() -> bean.plain(10)));
				case 1 -> async.add(bean.stage(10).toCompletableFuture());
				default -> async.add(bean.mono(10).toFuture());
			}
		}
		for (Future<?> call : calls) {
			call.get();
		}
		CompletableFuture.allOf(async.toArray(CompletableFuture[]::new)).join();
		pool.shutdown();
		assertThat(probe.admitted.get()).isEqualTo(60);
		assertThat(probe.maxActive.get()).isEqualTo(3);
		// every slot was given back (the release is sent without waiting for its answer)
		awaitNoHolder();
	}

	@Test
	void theSlotOfAHolderThatStoppedRenewingComesBackAfterTheLeaseTimeAndNotBefore() throws Exception {
		Probe probe = new Probe();
		ConfigurableApplicationContext crashing = start(probe, BEANS, shared("1", "0", "1500ms"));
		Guarded survivor = start(probe, BEANS, shared("1", "0", "1500ms")).getBean(Guarded.class);
		// the crashing context takes the only slot and "dies" holding it: it never
		// releases, and its lease renewal stops (a clean close would give the slot back)
		crashing.getBean(BoundedRegistry.class).get("shared").acquire();
		long taken = System.nanoTime();
		crashing.getBean(RedisBackend.class).executor().shutdownNow();
		assertThat(redis().zcard("async-utils:bounded:shared")).isOne();
		int rejected = 0;
		while (true) {
			try {
				survivor.plain(0);
				break;
			}
			catch (BoundedRejectedException ex) {
				rejected++;
				Thread.sleep(50);
			}
		}
		Duration after = Duration.ofNanos(System.nanoTime() - taken);
		assertThat(rejected).isPositive();
		assertThat(after).isGreaterThanOrEqualTo(Duration.ofMillis(1500)).isLessThan(Duration.ofMillis(3000));
		assertThat(probe.admitted.get()).isOne();
	}

	@Test
	void aHolderWrittenDirectlyIsExpiredByItsScore() throws Exception {
		Probe probe = new Probe();
		Guarded bean = start(probe, BEANS, shared("2", "0", "1s")).getBean(Guarded.class);
		List<String> time = redis().time();
		long now = Long.parseLong(time.get(0)) * 1_000_000 + Long.parseLong(time.get(1));
		redis().zadd("async-utils:bounded:shared", now + 800_000, "dead-process:1");
		redis().zadd("async-utils:bounded:shared", now + 800_000, "dead-process:2");
		assertThatExceptionOfType(BoundedRejectedException.class).isThrownBy(() -> bean.plain(0));
		Thread.sleep(900);
		bean.plain(0);
		assertThat(probe.admitted.get()).isOne();
	}

	@Test
	void aLiveHolderKeepsItsSlotPastTheLeaseTime() throws Exception {
		Probe probe = new Probe();
		Guarded holder = start(probe, BEANS, shared("1", "0", "900ms")).getBean(Guarded.class);
		Guarded other = start(probe, BEANS, shared("1", "0", "900ms")).getBean(Guarded.class);
		CountDownLatch holding = new CountDownLatch(1);
		CompletableFuture<Void> release = new CompletableFuture<>();
		CompletableFuture<Void> held = holder.holdUntil(holding, release).toCompletableFuture();
		assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
		long begin = System.nanoTime();
		int rejected = 0;
		while (System.nanoTime() - begin < TimeUnit.MILLISECONDS.toNanos(2700)) {
			assertThatExceptionOfType(BoundedRejectedException.class).isThrownBy(() -> other.plain(0));
			rejected++;
			Thread.sleep(100);
		}
		assertThat(rejected).isGreaterThan(10);
		release.complete(null);
		held.join();
		// the slot is given back without waiting for redis's answer: another JVM gets it
		// as soon as the ZREM has arrived
		awaitNoHolder();
		other.plain(0);
		assertThat(probe.admitted.get()).isEqualTo(2);
	}

	@Test
	void failedAndCancelledCallsGiveTheirSlotBack() throws Exception {
		Probe probe = new Probe();
		Guarded bean = start(probe, BEANS, shared("1", "5s", "5s")).getBean(Guarded.class);
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(bean::fail);
		// the method's own failure, not a hang (failsWithin alone accepts a timeout)
		assertThat(bean.failStage()).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.isInstanceOf(ExecutionException.class)
			.havingCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessage("boom");
		CountDownLatch holding = new CountDownLatch(1);
		CompletableFuture<Void> never = new CompletableFuture<>();
		CompletableFuture<Void> running = bean.holdUntil(holding, never).toCompletableFuture();
		assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<Void> waiting = bean.stage(0).toCompletableFuture();
		Thread.sleep(100);
		assertThat(waiting).isNotDone();
		// cancelling the waiter leaves the line; cancelling the holder frees the slot
		waiting.cancel(true);
		running.cancel(true);
		bean.plain(0);
		assertThat(bean.mono(0).block(Duration.ofSeconds(5))).isNull();
		awaitNoHolder();
		// fail, holdUntil, plain, mono: the cancelled waiter never ran
		assertThat(probe.admitted.get()).isEqualTo(4);
	}

	@Test
	void aWaiterPastMaxWaitIsRejected() throws Exception {
		Probe probe = new Probe();
		Guarded bean = start(probe, BEANS, shared("1", "300ms", "5s")).getBean(Guarded.class);
		CountDownLatch holding = new CountDownLatch(1);
		CompletableFuture<Void> release = new CompletableFuture<>();
		CompletableFuture<Void> held = bean.holdUntil(holding, release).toCompletableFuture();
		assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
		long begin = System.nanoTime();
		assertThatExceptionOfType(BoundedRejectedException.class).isThrownBy(() -> bean.plain(0))
			.withMessageContaining("max-wait");
		Duration waited = Duration.ofNanos(System.nanoTime() - begin);
		assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofMillis(1000));
		release.complete(null);
		held.join();
	}

	@Test
	void aPlainWaiterInterruptedIsRejectedWithItsFlagSetAndTakesNoSlot() throws Exception {
		Probe probe = new Probe();
		ConfigurableApplicationContext context = start(probe, BEANS, shared("1", "10s", "5s"));
		Guarded bean = context.getBean(Guarded.class);
		BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("shared");
		CountDownLatch holding = new CountDownLatch(1);
		CompletableFuture<Void> release = new CompletableFuture<>();
		CompletableFuture<Void> held = bean.holdUntil(holding, release).toCompletableFuture();
		assertThat(holding.await(5, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<Throwable> outcome = new CompletableFuture<>();
		Thread waiter = new Thread(() -> {
			try {
				bean.plain(0);
				outcome.complete(null);
			}
			catch (Throwable ex) {
				outcome
					.complete((Thread.currentThread().isInterrupted()) ? ex : new AssertionError("flag not set", ex));
			}
		});
		waiter.start();
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (limiter.waiting() == 0 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(limiter.waiting()).isOne();
		waiter.interrupt();
		assertThat(outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(BoundedRejectedException.class)
			.hasMessageContaining("interrupted");
		// it left the line (at its next poll, within 100 ms)
		while (limiter.waiting() != 0 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(limiter.waiting()).isZero();
		release.complete(null);
		held.join();
		awaitNoHolder();
		// only the holder ran; the interrupted waiter left nothing behind
		assertThat(probe.admitted.get()).isOne();
		bean.plain(0);
		awaitNoHolder();
	}

	private static void awaitNoHolder() throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
		while (redis().zcard("async-utils:bounded:shared") != 0 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(redis().zcard("async-utils:bounded:shared")).isZero();
	}

	static class Guarded {

		private final Probe probe;

		Guarded(Probe probe) {
			this.probe = probe;
		}

		@Bounded(name = "shared")
		public void plain(long millis) {
			this.probe.enter();
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				this.probe.leave();
			}
		}

		@Bounded(name = "shared")
		public CompletableFuture<Void> stage(long millis) {
			this.probe.enter();
			return CompletableFuture.runAsync(() -> {
			}, CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS))
				.whenComplete((value, failure) -> this.probe.leave());
		}

		@Bounded(name = "shared")
		public Mono<Void> mono(long millis) {
			// leaves before it completes: the slot is released after completion
			return Mono.fromRunnable(this.probe::enter)
				.then(Mono.delay(Duration.ofMillis(millis)))
				.then(Mono.fromRunnable(this.probe::leave));
		}

		@Bounded(name = "shared")
		public CompletableFuture<Void> holdUntil(CountDownLatch holding, CompletableFuture<Void> release) {
			this.probe.enter();
			holding.countDown();
			return release.whenComplete((value, failure) -> this.probe.leave());
		}

		@Bounded(name = "shared")
		public void fail() {
			this.probe.admitted.incrementAndGet();
			throw new IllegalStateException("boom");
		}

		@Bounded(name = "shared")
		public CompletableFuture<Void> failStage() {
			return CompletableFuture.failedFuture(new IllegalStateException("boom"));
		}

	}

}
