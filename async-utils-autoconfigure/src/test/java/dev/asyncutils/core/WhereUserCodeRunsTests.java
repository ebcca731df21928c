package dev.asyncutils.core;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, "where user code runs": the library's threads only keep time. Delayed
 * invocations, cleanup methods and the completion of stages we end run on Spring Boot's
 * application task executor ({@code task-N} threads here), so a method that blocks cannot
 * delay another call's deadline, and a caller's dependent stages or operators never run
 * on {@code async-utils-scheduler-N} or {@code async-utils-timer}.
 */
class WhereUserCodeRunsTests {

	private static final String APPLICATION_EXECUTOR = "task-";

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(TaskExecutionAutoConfiguration.class, AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void blockingThrottledBodiesDelayNoDeadlineByMoreThanAFewMilliseconds() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			// three calls 100 ms apart by their permits, more than there are scheduler
			// threads; each body blocks for 1.5 s. The first runs on the calling thread,
			// the two delayed ones wherever we start them
			List<Thread> callers = new java.util.ArrayList<>();
			for (int i = 0; i < 3; i++) {
				Thread caller = new Thread(guarded::blockingThrottled, "caller-" + i);
				caller.start();
				callers.add(caller);
			}
			awaitStarted(seen(context), 3);
			long blockedUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000);
			List<Long> lateness = new java.util.ArrayList<>();
			while (System.nanoTime() < blockedUntil - TimeUnit.MILLISECONDS.toNanos(100)) {
				long start = System.nanoTime();
				Throwable failure = guarded.shortDeadline(new CompletableFuture<>())
					.handle((value, ex) -> ex)
					.get(10, TimeUnit.SECONDS);
				assertThat(failure).isInstanceOf(TimeoutExceededException.class);
				lateness.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start) - 50_000);
			}
			java.util.Collections.sort(lateness);
			long median = lateness.get(lateness.size() / 2);
			long max = lateness.get(lateness.size() - 1);
			System.out.println("Deadlines of 50ms while 3 bodies block: " + lateness.size() + " measured, late by "
					+ median + " us (median), " + max + " us (max)");
			assertThat(lateness).hasSizeGreaterThanOrEqualTo(5);
			// a few milliseconds; before, the blocked scheduler threads delayed each
			// deadline until a body returned (a 100 ms deadline fired after 873 ms)
			assertThat(median).isLessThan(20_000);
			assertThat(max).isLessThan(150_000);
			assertThat(seen(context).threads).hasSize(3);
			assertThat(seen(context).threads.subList(1, 3))
				.allSatisfy((name) -> assertThat(name).startsWith(APPLICATION_EXECUTOR));
			for (Thread caller : callers) {
				caller.join(10_000);
			}
		});
	}

	@Test
	void boundedWaitersStartAndAreRejectedOnTheApplicationExecutor() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			CompletableFuture<String> holder = new CompletableFuture<>();
			CompletableFuture<String> first = guarded.bounded(holder);
			CompletableFuture<String> waiter = guarded.bounded(CompletableFuture.completedFuture("second"));
			holder.complete("first");
			assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
			assertThat(waiter.get(10, TimeUnit.SECONDS)).isEqualTo("second");
			// the first ran on this thread, the waiter where we started it
			assertThat(seen(context).threads).hasSize(2);
			assertThat(seen(context).threads.get(1)).startsWith(APPLICATION_EXECUTOR);

			CompletableFuture<String> held = new CompletableFuture<>();
			guarded.bounded(held);
			List<String> dependents = new CopyOnWriteArrayList<>();
			Throwable rejected = guarded.bounded(new CompletableFuture<>()).handle((value, ex) -> {
				record(dependents, "rejected");
				return ex;
			}).get(10, TimeUnit.SECONDS);
			assertThat(rejected).isInstanceOf(dev.asyncutils.BoundedRejectedException.class);
			assertThat(dependents).singleElement().asString().startsWith(APPLICATION_EXECUTOR);
			held.complete("done");
		});
	}

	@Test
	void retriedAttemptsTimedOutStagesDependentsAndCleanupsRunOnTheApplicationExecutor() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			List<String> dependents = new CopyOnWriteArrayList<>();
			String value = guarded.flakyStage()
				.thenApply((result) -> record(dependents, result))
				.get(10, TimeUnit.SECONDS);
			assertThat(value).isEqualTo("ok after 2");
			assertThat(seen(context).threads).singleElement().asString().startsWith(APPLICATION_EXECUTOR);
			seen(context).threads.clear();

			CompletableFuture<String> timedOut = guarded.deadline(new CompletableFuture<>());
			CompletableFuture<String> dependent = timedOut.handle((result, ex) -> record(dependents, "timed out"));
			assertThat(dependent.get(10, TimeUnit.SECONDS)).isEqualTo("timed out");
			assertThat(seen(context).cleanups.poll(10, TimeUnit.SECONDS)).startsWith(APPLICATION_EXECUTOR);
			assertThat(dependents).hasSize(2)
				.allSatisfy(
						(name) -> assertThat(name).doesNotStartWith("async-utils-").startsWith(APPLICATION_EXECUTOR));
		});
	}

	@Test
	void operatorsAfterARetriedMonoDoNotRunOnOurThreads() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			List<String> mapped = new CopyOnWriteArrayList<>();
			String value = guarded.flakyMono().map((result) -> record(mapped, result)).block(Duration.ofSeconds(10));
			assertThat(value).isEqualTo("ok after 2");
			assertThat(mapped).singleElement().asString().startsWith(APPLICATION_EXECUTOR);
		});
	}

	private static String record(List<String> threads, String value) {
		threads.add(Thread.currentThread().getName());
		return value;
	}

	private static Seen seen(org.springframework.context.ApplicationContext context) {
		return context.getBean(Seen.class);
	}

	private static void awaitStarted(Seen seen, int count) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (seen.threads.size() < count && System.nanoTime() < deadline) {
			Thread.sleep(5);
		}
		assertThat(seen.threads).hasSize(count);
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Seen seen() {
			return new Seen();
		}

		@Bean
		Guarded guarded(Seen seen) {
			return new Guarded(seen);
		}

	}

	static class Seen {

		final List<String> threads = new CopyOnWriteArrayList<>();

		final java.util.concurrent.BlockingQueue<String> cleanups = new java.util.concurrent.LinkedBlockingQueue<>();

	}

	static class Guarded {

		private final List<String> threads;

		private final java.util.concurrent.BlockingQueue<String> cleanups;

		Guarded(Seen seen) {
			this.threads = seen.threads;
			this.cleanups = seen.cleanups;
		}

		private final AtomicInteger attempts = new AtomicInteger();

		@Throttle(rate = 10, burst = 1)
		public CompletableFuture<String> blockingThrottled() {
			this.threads.add(Thread.currentThread().getName());
			try {
				Thread.sleep(1500);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			return CompletableFuture.completedFuture("done");
		}

		@Timeout("50ms")
		public CompletableFuture<String> shortDeadline(CompletableFuture<String> inner) {
			return inner;
		}

		@dev.asyncutils.annotation.Bounded(value = 1, maxWait = "200ms")
		public CompletableFuture<String> bounded(CompletableFuture<String> inner) {
			this.threads.add(Thread.currentThread().getName());
			return inner;
		}

		@Timeout(value = "100ms", cleanup = "release")
		public CompletableFuture<String> deadline(CompletableFuture<String> inner) {
			return inner;
		}

		void release() {
			this.cleanups.add(Thread.currentThread().getName());
		}

		@Retry(delay = "20ms")
		public CompletableFuture<String> flakyStage() {
			int attempt = this.attempts.incrementAndGet();
			if (attempt % 2 == 1) {
				return CompletableFuture.failedFuture(new IOException("attempt " + attempt));
			}
			this.threads.add(Thread.currentThread().getName());
			return CompletableFuture.completedFuture("ok after " + attempt);
		}

		@Retry(delay = "20ms")
		public Mono<String> flakyMono() {
			return Mono.defer(() -> {
				int attempt = this.attempts.incrementAndGet();
				if (attempt % 2 == 1) {
					return Mono.error(new IOException("attempt " + attempt));
				}
				return Mono.just("ok after " + attempt);
			});
		}

	}

}
