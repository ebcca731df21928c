package dev.asyncutils.bounded;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.core.TestContexts;
import dev.asyncutils.core.AsyncUtilsScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Bounded} on {@code Mono} and {@code Flux}: a slot per subscription, held from
 * subscribe until terminate or cancel; waiting subscriptions hold no slot and leave the
 * line when cancelled.
 */
class BoundedReactiveTests {

	private final ApplicationContextRunner runner = TestContexts.withBeans(Reactive.class);

	@Test
	void monoHoldsItsSlotFromSubscribeUntilTerminateOrCancel() {
		this.runner.run((context) -> {
			Reactive reactive = context.getBean(Reactive.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("mono");
			Sinks.One<String> sink1 = Sinks.one();
			Sinks.One<String> sink2 = Sinks.one();
			Sinks.One<String> sink3 = Sinks.one();
			Mono<String> first = reactive.mono(sink1);
			// lazy: assembling takes no slot and does not invoke
			assertThat(limiter.active()).isZero();
			assertThat(reactive.invocations()).isZero();
			List<String> values = new CopyOnWriteArrayList<>();
			AtomicReference<Throwable> errors = new AtomicReference<>();
			first.subscribe(values::add);
			Disposable second = reactive.mono(sink2).subscribe(values::add);
			assertThat(limiter.active()).isEqualTo(2);
			assertThat(reactive.invocations()).isEqualTo(2);
			reactive.mono(sink3).subscribe(values::add, errors::set);
			assertThat(limiter.waiting()).isEqualTo(1);
			Awaits.stays("the waiting subscription is not invoked", 50, () -> reactive.invocations() == 2);
			sink1.tryEmitValue("one").orThrow();
			assertThat(values).containsExactly("one");
			// the freed slot went to the waiting subscription
			Awaits.until("third invoked", () -> reactive.invocations() == 3);
			assertThat(limiter.waiting()).isZero();
			assertThat(limiter.active()).isEqualTo(2);
			second.dispose();
			assertThat(sink2.currentSubscriberCount()).isZero();
			assertThat(limiter.active()).isEqualTo(1);
			IllegalStateException boom = new IllegalStateException("boom");
			sink3.tryEmitError(boom).orThrow();
			assertThat(errors.get()).isSameAs(boom);
			assertThat(limiter.active()).isZero();
			assertThat(limiter.availableSlots()).isEqualTo(2);
			assertThat(values).containsExactly("one");
		});
	}

	@Test
	void cancelledWaitingMonoLeavesTheLineAndIsNeverInvoked() {
		this.runner.run((context) -> {
			Reactive reactive = context.getBean(Reactive.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("mono");
			Sinks.One<String> sink1 = Sinks.one();
			Sinks.One<String> sink2 = Sinks.one();
			Sinks.One<String> sink4 = Sinks.one();
			reactive.mono(sink1).subscribe();
			reactive.mono(sink2).subscribe();
			Disposable third = reactive.mono(Sinks.one()).subscribe();
			List<String> fourth = new CopyOnWriteArrayList<>();
			reactive.mono(sink4).subscribe(fourth::add);
			assertThat(limiter.waiting()).isEqualTo(2);
			third.dispose();
			assertThat(limiter.waiting()).isEqualTo(1);
			assertThat(limiter.active()).isEqualTo(2);
			sink1.tryEmitEmpty().orThrow();
			Awaits.until("fourth invoked", () -> reactive.invocations() == 3);
			sink4.tryEmitValue("four").orThrow();
			assertThat(fourth).containsExactly("four");
			sink2.tryEmitValue("two").orThrow();
			assertThat(limiter.active()).isZero();
			assertThat(limiter.waiting()).isZero();
			assertThat(reactive.invocations()).isEqualTo(3);
		});
	}

	@Test
	void resubscribingTakesASlotPerSubscription() {
		this.runner.run((context) -> {
			Reactive reactive = context.getBean(Reactive.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("mono");
			Sinks.One<String> sink = Sinks.one();
			Mono<String> mono = reactive.mono(sink);
			Disposable one = mono.subscribe();
			Disposable two = mono.subscribe();
			Disposable three = mono.subscribe();
			assertThat(reactive.invocations()).isEqualTo(2);
			assertThat(limiter.active()).isEqualTo(2);
			assertThat(limiter.waiting()).isEqualTo(1);
			one.dispose();
			Awaits.until("third subscription invoked", () -> reactive.invocations() == 3);
			two.dispose();
			three.dispose();
			assertThat(limiter.availableSlots()).isEqualTo(2);
		});
	}

	@Test
	void fluxHoldsItsSlotUntilCompleteErrorOrCancel() {
		this.runner.run((context) -> {
			Reactive reactive = context.getBean(Reactive.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("Reactive.flux");
			Sinks.Many<Integer> sink1 = Sinks.many().unicast().onBackpressureBuffer();
			Sinks.Many<Integer> sink2 = Sinks.many().unicast().onBackpressureBuffer();
			Sinks.Many<Integer> sink3 = Sinks.many().unicast().onBackpressureBuffer();
			List<Integer> firstValues = new CopyOnWriteArrayList<>();
			AtomicInteger completions = new AtomicInteger();
			reactive.flux(sink1).subscribe(firstValues::add, null, completions::incrementAndGet);
			assertThat(limiter.active()).isEqualTo(1);
			sink1.tryEmitNext(1).orThrow();
			sink1.tryEmitNext(2).orThrow();
			assertThat(firstValues).containsExactly(1, 2);
			// elements do not free the slot, only the end of the stream does
			assertThat(limiter.active()).isEqualTo(1);
			AtomicReference<Throwable> secondError = new AtomicReference<>();
			reactive.flux(sink2).subscribe(null, secondError::set);
			Disposable third = reactive.flux(sink3).subscribe();
			assertThat(limiter.waiting()).isEqualTo(2);
			sink1.tryEmitComplete().orThrow();
			assertThat(completions.get()).isEqualTo(1);
			Awaits.until("second invoked", () -> reactive.invocations() == 2);
			assertThat(limiter.waiting()).isEqualTo(1);
			IllegalArgumentException boom = new IllegalArgumentException("flux boom");
			sink2.tryEmitError(boom).orThrow();
			assertThat(secondError.get()).isSameAs(boom);
			Awaits.until("third invoked", () -> reactive.invocations() == 3);
			assertThat(limiter.active()).isEqualTo(1);
			third.dispose();
			assertThat(sink3.currentSubscriberCount()).isZero();
			assertThat(limiter.active()).isZero();
			assertThat(limiter.waiting()).isZero();
			assertThat(limiter.availableSlots()).isEqualTo(1);
		});
	}

	@Test
	void cancellingAGrantedButNotStartedMonoGivesTheSlotBack() {
		// one worker: while the blocker holds it, the hand-off of the granted slot waits
		ExecutorService worker = Executors.newSingleThreadExecutor();
		this.runner.withBean("applicationTaskExecutor", Executor.class, () -> worker).run((context) -> {
			Reactive reactive = context.getBean(Reactive.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("Reactive.single");
			Sinks.One<String> sink1 = Sinks.one();
			reactive.single(sink1).subscribe();
			Disposable second = reactive.single(Sinks.one()).subscribe();
			assertThat(limiter.waiting()).isEqualTo(1);
			CountDownLatch busy = new CountDownLatch(1);
			CountDownLatch unblock = new CountDownLatch(1);
			Future<?> blocker = context.getBean(AsyncUtilsScheduler.class).executor().submit(() -> {
				busy.countDown();
				unblock.await();
				return null;
			});
			assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
			sink1.tryEmitValue("one").orThrow();
			// granted to the second subscription, whose delivery waits for the scheduler
			assertThat(limiter.waiting()).isZero();
			assertThat(limiter.active()).isEqualTo(1);
			second.dispose();
			assertThat(limiter.active()).isZero();
			unblock.countDown();
			blocker.get(10, TimeUnit.SECONDS);
			Awaits.stays("the cancelled subscription is never invoked", 100, () -> reactive.invocations() == 1);
			assertThat(limiter.availableSlots()).isEqualTo(1);
		});
		worker.shutdownNow();
	}

	@Test
	void waitingMonoIsRejectedNoEarlierThanMaxWait() {
		this.runner.run((context) -> {
			Reactive reactive = context.getBean(Reactive.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("Reactive.patient");
			Sinks.One<String> sink1 = Sinks.one();
			reactive.patient(sink1).subscribe();
			long start = System.nanoTime();
			StepVerifier.create(reactive.patient(Sinks.one()))
				.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(BoundedRejectedException.class)
					.satisfies((rejected) -> assertThat(((BoundedRejectedException) rejected).name())
						.isEqualTo("Reactive.patient")))
				.verify(Duration.ofSeconds(10));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
			assertThat(limiter.waiting()).isZero();
			assertThat(limiter.active()).isEqualTo(1);
			assertThat(reactive.invocations()).isEqualTo(1);
			sink1.tryEmitValue("done").orThrow();
			assertThat(limiter.availableSlots()).isEqualTo(1);
		});
	}

	@Test
	void grantedMonoLeavesNoMaxWaitTimerBehind() {
		this.runner.run((context) -> {
			Reactive reactive = context.getBean(Reactive.class);
			AsyncUtilsScheduler scheduler = context.getBean(AsyncUtilsScheduler.class);
			Sinks.One<String> sink1 = Sinks.one();
			Sinks.One<String> sink2 = Sinks.one();
			reactive.hourly(sink1).subscribe();
			List<String> values = new CopyOnWriteArrayList<>();
			reactive.hourly(sink2).subscribe(values::add);
			assertThat(scheduler.scheduledCount()).isEqualTo(1);
			sink1.tryEmitValue("one").orThrow();
			Awaits.until("second invoked", () -> reactive.invocations() == 2);
			// the hour-long max-wait timer of the granted subscription must not linger
			// (it would keep the whole subscription reachable for an hour)
			Awaits.until("no timer left", () -> scheduler.scheduledCount() == 0);
			sink2.tryEmitValue("two").orThrow();
			assertThat(values).containsExactly("two");
		});
	}

	@Test
	void cancelledWaitingMonoLeavesNoMaxWaitTimerBehind() {
		this.runner.run((context) -> {
			Reactive reactive = context.getBean(Reactive.class);
			AsyncUtilsScheduler scheduler = context.getBean(AsyncUtilsScheduler.class);
			Sinks.One<String> sink1 = Sinks.one();
			reactive.hourly(sink1).subscribe();
			Disposable second = reactive.hourly(Sinks.one()).subscribe();
			assertThat(scheduler.scheduledCount()).isEqualTo(1);
			second.dispose();
			Awaits.until("no timer left", () -> scheduler.scheduledCount() == 0);
			sink1.tryEmitValue("one").orThrow();
			assertThat(context.getBean(BoundedRegistry.class).get("Reactive.hourly").availableSlots()).isEqualTo(1);
		});
	}

	@Test
	void monoBeyondMaxQueuedIsRejectedAtOnce() {
		this.runner.run((context) -> {
			Reactive reactive = context.getBean(Reactive.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("Reactive.noQueue");
			Sinks.One<String> sink1 = Sinks.one();
			reactive.noQueue(sink1).subscribe();
			StepVerifier.create(reactive.noQueue(Sinks.one()))
				.expectError(BoundedRejectedException.class)
				.verify(Duration.ofSeconds(5));
			assertThat(limiter.waiting()).isZero();
			assertThat(reactive.invocations()).isEqualTo(1);
			sink1.tryEmitValue("done").orThrow();
			Sinks.One<String> ready = Sinks.one();
			ready.tryEmitValue("now").orThrow();
			StepVerifier.create(reactive.noQueue(ready)).expectNext("now").verifyComplete();
			assertThat(reactive.invocations()).isEqualTo(2);
			assertThat(limiter.availableSlots()).isEqualTo(1);
		});
	}

	static class Reactive {

		private final AtomicInteger invocations = new AtomicInteger();

		@Bounded(name = "mono", value = 2)
		public Mono<String> mono(Sinks.One<String> sink) {
			this.invocations.incrementAndGet();
			return sink.asMono();
		}

		@Bounded(1)
		public Flux<Integer> flux(Sinks.Many<Integer> sink) {
			this.invocations.incrementAndGet();
			return sink.asFlux();
		}

		@Bounded(1)
		public Mono<String> single(Sinks.One<String> sink) {
			this.invocations.incrementAndGet();
			return sink.asMono();
		}

		@Bounded(value = 1, maxWait = "100ms")
		public Mono<String> patient(Sinks.One<String> sink) {
			this.invocations.incrementAndGet();
			return sink.asMono();
		}

		@Bounded(value = 1, maxWait = "1h")
		public Mono<String> hourly(Sinks.One<String> sink) {
			this.invocations.incrementAndGet();
			return sink.asMono();
		}

		@Bounded(value = 1, maxQueued = 0)
		public Mono<String> noQueue(Sinks.One<String> sink) {
			this.invocations.incrementAndGet();
			return sink.asMono();
		}

		int invocations() {
			return this.invocations.get();
		}

	}

}
