package dev.asyncutils.timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.core.TestContexts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Timeout} on {@code Mono} and {@code Flux}: a deadline per subscription that
 * cancels the upstream and signals {@link TimeoutExceededException}; for a {@code Flux}
 * the deadline covers the whole stream.
 */
class TimeoutReactiveTests {

	private static final Duration VERIFY = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = TestContexts.withBeans(Probe.class, Publishers.class);

	@Test
	void monoThatNeverEmitsFailsAtTheDeadlineAndIsCancelled() {
		this.runner.run((context) -> {
			Publishers publishers = context.getBean(Publishers.class);
			Probe probe = context.getBean(Probe.class);
			SubscriptionClock start = new SubscriptionClock();
			StepVerifier.create(start.timed(publishers.never())).expectSubscription().expectErrorSatisfies((ex) -> {
				assertThat(ex).isInstanceOf(TimeoutExceededException.class)
					.hasMessage("'mono-never' did not complete within 100ms")
					.hasNoSuppressedExceptions();
				assertThat(((TimeoutExceededException) ex).name()).isEqualTo("mono-never");
				assertThat(((TimeoutExceededException) ex).timeout()).isEqualTo(Duration.ofMillis(100));
				assertThat(start.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
				// the upstream was cancelled before the error reached the subscriber
				assertThat(probe.cancelled).hasValue(1);
			}).verify(VERIFY);
			assertThat(probe.subscribed).hasValue(1);
			assertThat(probe.cancelled).hasValue(1);
		});
	}

	@Test
	void monoDeadlineStartsAtSubscriptionNotAtAssembly() {
		this.runner.run((context) -> {
			Publishers publishers = context.getBean(Publishers.class);
			Probe probe = context.getBean(Probe.class);
			Mono<String> mono = publishers.never();
			Thread.sleep(200);
			assertThat(probe.invoked).hasValue(0);
			assertThat(probe.cancelled).hasValue(0);
			long start = System.nanoTime();
			StepVerifier.create(mono).expectSubscription().expectError(TimeoutExceededException.class).verify(VERIFY);
			assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
			// and each subscription has its own deadline
			long again = System.nanoTime();
			StepVerifier.create(mono).expectSubscription().expectError(TimeoutExceededException.class).verify(VERIFY);
			assertThat(System.nanoTime() - again).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
			assertThat(probe.invoked).hasValue(2);
			assertThat(probe.subscribed).hasValue(2);
			assertThat(probe.cancelled).hasValue(2);
		});
	}

	@Test
	void monoCompletingInTimePassesItsValueThrough() {
		this.runner.run((context) -> {
			Publishers publishers = context.getBean(Publishers.class);
			Probe probe = context.getBean(Probe.class);
			StepVerifier.create(publishers.delayed("value", 20)).expectNext("value").expectComplete().verify(VERIFY);
			StepVerifier.create(publishers.delayed(null, 20)).expectComplete().verify(VERIFY);
			assertThat(probe.cancelled).hasValue(0);
		});
	}

	@Test
	void monoFailingInTimePassesItsExceptionThroughUnchanged() {
		this.runner.run((context) -> {
			Publishers publishers = context.getBean(Publishers.class);
			IllegalStateException failure = new IllegalStateException("own failure");
			StepVerifier.create(publishers.failing(failure))
				.expectErrorSatisfies((ex) -> assertThat(ex).isSameAs(failure))
				.verify(VERIFY);
			assertThat(failure.getSuppressed()).isEmpty();
		});
	}

	@Test
	void fluxDeadlineCoversTheWholeStream() {
		this.runner.run((context) -> {
			Publishers publishers = context.getBean(Publishers.class);
			Probe probe = context.getBean(Probe.class);
			SubscriptionClock start = new SubscriptionClock();
			AtomicReference<List<Long>> items = new AtomicReference<>();
			StepVerifier.create(start.timed(publishers.ticks()))
				.recordWith(ArrayList::new)
				.thenConsumeWhile((item) -> true)
				.consumeRecordedWith((recorded) -> items.set(new ArrayList<>(recorded)))
				.expectErrorSatisfies((ex) -> {
					assertThat(ex).isInstanceOf(TimeoutExceededException.class)
						.hasMessage("'Publishers.ticks' did not complete within 200ms");
					assertThat(start.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
					assertThat(probe.cancelled).hasValue(1);
				})
				.verify(VERIFY);
			// items arrive every 30ms, far within the deadline, yet the stream was cut
			// off: the deadline is not per item
			assertThat(items.get()).isNotEmpty().hasSizeLessThan(40);
			List<Long> expected = new ArrayList<>();
			for (long i = 0; i < items.get().size(); i++) {
				expected.add(i);
			}
			assertThat(items.get()).isEqualTo(expected);
			assertThat(probe.cancelled).hasValue(1);
		});
	}

	@Test
	void fluxCompletingInTimePassesEveryItemThrough() {
		this.runner.run((context) -> {
			Publishers publishers = context.getBean(Publishers.class);
			Probe probe = context.getBean(Probe.class);
			StepVerifier.create(publishers.range(5)).expectNext(1, 2, 3, 4, 5).expectComplete().verify(VERIFY);
			Thread.sleep(200);
			assertThat(probe.cancelled).hasValue(0);
		});
	}

	@Test
	void fluxFailingInTimePassesItsExceptionThroughUnchanged() {
		this.runner.run((context) -> {
			Publishers publishers = context.getBean(Publishers.class);
			IllegalStateException failure = new IllegalStateException("own failure");
			StepVerifier.create(publishers.itemThenFailure(failure))
				.expectNext("first")
				.expectErrorSatisfies((ex) -> assertThat(ex).isSameAs(failure))
				.verify(VERIFY);
		});
	}

	@Test
	void fluxThatNeverEmitsFailsAtTheDeadline() {
		this.runner.run((context) -> {
			Publishers publishers = context.getBean(Publishers.class);
			Probe probe = context.getBean(Probe.class);
			long start = System.nanoTime();
			StepVerifier.create(publishers.silent()).expectSubscription().expectErrorSatisfies((ex) -> {
				assertThat(ex).isInstanceOf(TimeoutExceededException.class)
					.hasMessage("'Publishers.silent' did not complete within 100ms");
				assertThat(probe.cancelled).hasValue(1);
			}).verify(VERIFY);
			assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
			assertThat(probe.cancelled).hasValue(1);
		});
	}

	/**
	 * The moment of subscription, as seen by the subscriber.
	 */
	static final class SubscriptionClock {

		private volatile long start;

		/**
		 * Return a publisher that notes the time just before it subscribes to the given
		 * one, and so before its deadline starts.
		 */
		<T> Flux<T> timed(Publisher<T> publisher) {
			return Flux.defer(() -> {
				this.start = System.nanoTime();
				return publisher;
			});
		}

		long elapsed() {
			return System.nanoTime() - this.start;
		}

	}

	static class Probe {

		final AtomicInteger invoked = new AtomicInteger();

		final AtomicInteger subscribed = new AtomicInteger();

		final AtomicInteger cancelled = new AtomicInteger();

	}

	static class Publishers {

		private final Probe probe;

		Publishers(Probe probe) {
			this.probe = probe;
		}

		@Timeout(value = "100ms", name = "mono-never")
		public Mono<String> never() {
			this.probe.invoked.incrementAndGet();
			return Mono.<String>never()
				.doOnSubscribe((subscription) -> this.probe.subscribed.incrementAndGet())
				.doOnCancel(this.probe.cancelled::incrementAndGet);
		}

		@Timeout("1s")
		public Mono<String> delayed(String value, long millis) {
			Mono<String> mono = (value != null) ? Mono.just(value) : Mono.empty();
			return mono.delaySubscription(Duration.ofMillis(millis)).doOnCancel(this.probe.cancelled::incrementAndGet);
		}

		@Timeout("1s")
		public Mono<String> failing(RuntimeException failure) {
			return Mono.<String>error(failure).delaySubscription(Duration.ofMillis(20));
		}

		@Timeout("200ms")
		public Flux<Long> ticks() {
			return Flux.interval(Duration.ofMillis(30)).take(40).doOnCancel(this.probe.cancelled::incrementAndGet);
		}

		@Timeout("1s")
		public Flux<Integer> range(int count) {
			return Flux.range(1, count)
				.delayElements(Duration.ofMillis(10))
				.doOnCancel(this.probe.cancelled::incrementAndGet);
		}

		@Timeout("1s")
		public Flux<String> itemThenFailure(RuntimeException failure) {
			return Flux.concat(Flux.just("first"),
					Flux.<String>error(failure).delaySubscription(Duration.ofMillis(20)));
		}

		@Timeout("100ms")
		public Flux<String> silent() {
			return Flux.<String>never().doOnCancel(this.probe.cancelled::incrementAndGet);
		}

	}

}
