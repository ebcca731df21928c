package dev.asyncutils.bounded;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.core.AsyncUtilsScheduler;
import dev.asyncutils.core.TestContexts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lost hand-off: a slot freed by one call is granted to a waiting asynchronous call
 * at the very moment that call gives up (its subscription is disposed, its future
 * cancelled, its max-wait passes). Whoever wins, the slot ends up released exactly once:
 * after thousands of such races the limit is whole again.
 */
class BoundedHandoffStressTests {

	private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(3);

	private static final int MAX_ROUNDS = 30_000;

	private final ApplicationContextRunner runner = TestContexts.withBeans(Handoff.class);

	@Test
	void monoSubscriptionDisposedAsItsSlotIsGranted() {
		stress(Kind.MONO);
	}

	@Test
	void fluxSubscriptionDisposedAsItsSlotIsGranted() {
		stress(Kind.FLUX);
	}

	@Test
	void futureCancelledAsItsSlotIsGranted() {
		stress(Kind.STAGE);
	}

	private void stress(Kind kind) {
		this.runner.run((context) -> {
			Handoff handoff = context.getBean(Handoff.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("handoff");
			ScheduledExecutorService scheduler = context.getBean(AsyncUtilsScheduler.class).executor();
			ScheduledExecutorService helper = Executors.newScheduledThreadPool(2);
			try {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				long end = System.nanoTime() + RUN_NANOS;
				int rounds = 0;
				AtomicInteger cancelled = new AtomicInteger();
				while (rounds < MAX_ROUNDS && System.nanoTime() < end) {
					rounds++;
					// the holder frees the slot after a few microseconds: the grant
					long hold = random.nextLong(50, 400);
					Disposable holder = handoff.mono(hold).subscribe();
					int waiters = 1 + random.nextInt(3);
					for (int i = 0; i < waiters; i++) {
						Runnable giveUp = switch (kind) {
							case MONO -> {
								Disposable subscription = handoff.mono(hold).subscribe();
								yield subscription::dispose;
							}
							case FLUX -> {
								Disposable subscription = handoff.flux(hold).subscribe();
								yield subscription::dispose;
							}
							case STAGE -> {
								CompletableFuture<String> future = handoff.stage(hold);
								yield () -> future.cancel(true);
							}
						};
						// give up around the moment the holder lets go
						helper.schedule(() -> {
							cancelled.incrementAndGet();
							giveUp.run();
						}, random.nextLong(hold / 2, hold * 2), TimeUnit.MICROSECONDS);
					}
					if (random.nextInt(8) == 0) {
						// a busy scheduler: grants are delivered late, gives-up land
						// between
						scheduler.execute(() -> LockSupport.parkNanos(random.nextLong(50_000, 300_000)));
					}
					if (random.nextInt(16) == 0) {
						holder.dispose();
					}
					LockSupport.parkNanos(random.nextLong(100_000, 400_000));
				}
				int done = rounds;
				Awaits.until("all slots free and nobody waiting", () -> limiter.active() == 0 && limiter.waiting() == 0,
						() -> "(" + limiter + " after " + done + " rounds)");
				assertThat(cancelled.get()).isPositive();
				assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
				assertThat(HeldSlots.of(limiter).tryAcquire()).isFalse();
				HeldSlots.of(limiter).release();
				assertThat(limiter.availableSlots()).isEqualTo(1);
			}
			finally {
				helper.shutdownNow();
			}
		});
	}

	enum Kind {

		MONO, FLUX, STAGE

	}

	@Bounded(name = "handoff", value = 1, maxWait = "2ms", maxQueued = 1000)
	static class Handoff {

		public Mono<String> mono(long holdMicros) {
			return Mono.delay(Duration.ofNanos(holdMicros * 1000)).thenReturn("ok");
		}

		public Flux<String> flux(long holdMicros) {
			return Mono.delay(Duration.ofNanos(holdMicros * 1000)).thenMany(Flux.just("a", "b"));
		}

		public CompletableFuture<String> stage(long holdMicros) {
			return CompletableFuture.supplyAsync(() -> "ok",
					CompletableFuture.delayedExecutor(holdMicros, TimeUnit.MICROSECONDS));
		}

	}

}
