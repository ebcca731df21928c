package dev.asyncutils.timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.core.AsyncUtilsScheduler;
import dev.asyncutils.core.TestContexts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Timeout} on a {@code Flux} at the extremes: many elements under one deadline
 * leave no timer behind, a 1ns deadline cuts even a synchronous stream, a deadline of
 * centuries lets a stream finish, and a failure racing the deadline reaches the
 * subscriber as exactly one of the two.
 */
class TimeoutFluxExtremesTests {

	private static final Duration VERIFY = Duration.ofSeconds(10);

	@Test
	void manyElementsUnderOneDeadlineAllArriveAndLeaveNoTimerPending() {
		TestContexts.withBeans(Streams.class).run((context) -> {
			Streams streams = context.getBean(Streams.class);
			AsyncUtilsScheduler scheduler = context.getBean(AsyncUtilsScheduler.class);
			int n = 100_000;
			long start = System.nanoTime();
			StepVerifier.create(streams.many(n)).expectNextCount(n).expectComplete().verify(VERIFY);
			long took = System.nanoTime() - start;
			System.out
				.println("TimeoutFluxExtremesTests: " + n + " elements under @Timeout in " + took / 1_000_000 + " ms");
			assertThat(scheduler.scheduledCount()).as("timers left behind").isZero();
			TimeoutStats stats = context.getBean(TimeoutFeature.class).instances().find("Streams.many");
			assertThat(stats.completedCount()).isEqualTo(1);
			assertThat(stats.timedOutCount()).isZero();
		});
	}

	@Test
	void aOneNanosecondDeadlineCutsASynchronousStream() {
		TestContexts.withBeans(Streams.class).run((context) -> {
			Streams streams = context.getBean(Streams.class);
			AtomicInteger items = new AtomicInteger();
			StepVerifier.create(streams.tiny().doOnNext((item) -> items.incrementAndGet()))
				.thenConsumeWhile((item) -> true)
				.expectError(TimeoutExceededException.class)
				.verify(VERIFY);
			assertThat(items.get()).isLessThan(10_000_000);
		});
	}

	@Test
	void aDeadlineOfCenturiesLetsTheStreamFinish() {
		TestContexts.withBeans(Streams.class).run((context) -> {
			Streams streams = context.getBean(Streams.class);
			StepVerifier.create(streams.huge()).expectNext(1, 2, 3).expectComplete().verify(VERIFY);
			assertThat(context.getBean(AsyncUtilsScheduler.class).scheduledCount()).isZero();
		});
	}

	@Test
	void aFailureRacingTheDeadlineReachesTheSubscriberAsExactlyOneOfTheTwo() {
		TestContexts.withBeans(Streams.class).run((context) -> {
			Streams streams = context.getBean(Streams.class);
			int calls = 300;
			AtomicInteger failed = new AtomicInteger();
			AtomicInteger timedOut = new AtomicInteger();
			for (int i = 0; i < calls; i++) {
				Throwable failure = streams.racingFailure().then().materialize().block(VERIFY).getThrowable();
				if (failure instanceof TimeoutExceededException) {
					timedOut.incrementAndGet();
				}
				else {
					assertThat(failure).isInstanceOf(IOException.class);
					failed.incrementAndGet();
				}
			}
			TimeoutStats stats = context.getBean(TimeoutFeature.class).instances().find("Streams.racingFailure");
			assertThat(failed.get() + timedOut.get()).isEqualTo(calls);
			assertThat(stats.timedOutCount()).isEqualTo(timedOut.get());
			assertThat(stats.completedCount()).isEqualTo(failed.get());
		});
	}

	static class Streams {

		@Timeout("1h")
		public Flux<Integer> many(int n) {
			return Flux.range(0, n);
		}

		@Timeout("1ns")
		public Flux<Integer> tiny() {
			return Flux.range(0, 10_000_000);
		}

		@Timeout("36500d")
		public Flux<Integer> huge() {
			return Flux.just(1, 2, 3);
		}

		@Timeout("3ms")
		public Flux<Integer> racingFailure() {
			return Flux.just(1, 2)
				.concatWith(Flux.<Integer>error(new IOException("down")).delaySubscription(Duration.ofMillis(3)));
		}

	}

}
