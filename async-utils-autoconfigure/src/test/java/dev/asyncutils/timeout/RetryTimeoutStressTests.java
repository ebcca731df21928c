package dev.asyncutils.timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.core.AsyncUtilsScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many threads hit one {@code @Retry @Timeout} method at once while its attempts randomly
 * succeed, fail, sleep past the deadline, swallow the interrupt or spin: every call ends
 * exactly once with an outcome its attempts allow, never after more than three attempts,
 * and no interrupt survives on any thread.
 */
class RetryTimeoutStressTests {

	private static final int THREADS = 16;

	private static final int CALLS_PER_THREAD = 40;

	private static final int ASYNC_CALLS_PER_THREAD = 100;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void plainCallsUnderLoadEndExactlyOnceWithAnAllowedOutcome() {
		this.runner.run((context) -> {
			Stress stress = context.getBean(Stress.class);
			Journal journal = context.getBean(Journal.class);
			Map<Integer, Object> outcomes = new ConcurrentHashMap<>();
			Queue<String> problems = new ConcurrentLinkedQueue<>();
			CyclicBarrier start = new CyclicBarrier(THREADS);
			CountDownLatch callsDone = new CountDownLatch(THREADS);
			CountDownLatch drained = new CountDownLatch(1);
			List<Thread> workers = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				int base = t * CALLS_PER_THREAD;
				Thread worker = new Thread(() -> {
					try {
						start.await();
						for (int i = 0; i < CALLS_PER_THREAD; i++) {
							int id = base + i;
							Object outcome;
							try {
								outcome = stress.work(id);
							}
							catch (Throwable ex) {
								outcome = ex;
							}
							if (outcomes.putIfAbsent(id, outcome) != null) {
								problems.add("call " + id + " ended twice");
							}
							if (Thread.interrupted()) {
								problems.add("interrupt flag set after call " + id);
							}
						}
						callsDone.countDown();
						drained.await();
						normalCallsAreNotInterrupted(stress, problems);
					}
					catch (Throwable ex) {
						problems.add(Thread.currentThread().getName() + " failed: " + ex);
					}
				}, "stress-worker-" + t);
				workers.add(worker);
				worker.start();
			}
			assertThat(callsDone.await(60, TimeUnit.SECONDS)).as("every worker finished its calls").isTrue();
			awaitSchedulerDrained(context);
			drained.countDown();
			for (Thread worker : workers) {
				worker.join(TimeUnit.SECONDS.toMillis(30));
				assertThat(worker.isAlive()).as("%s finished", worker.getName()).isFalse();
			}
			assertThat(problems).isEmpty();
			assertThat(outcomes).hasSize(THREADS * CALLS_PER_THREAD);
			assertThat(journal.attempts).hasSize(THREADS * CALLS_PER_THREAD);
			Tally tally = new Tally();
			outcomes.forEach((id, outcome) -> checkPlainOutcome(id, outcome, journal.attempts.get(id), tally));
			assertThat(tally.problems).isEmpty();
			// the run really mixed the outcomes
			assertThat(tally.values).isPositive();
			assertThat(tally.timeouts).isPositive();
			assertThat(journal.normalInterrupted).hasValue(0);
			assertThat(journal.normalCalls).hasValue(THREADS);
		});
	}

	@Test
	void futureCallsUnderLoadEndExactlyOnceWithAnAllowedOutcome() {
		this.runner.run((context) -> {
			Stress stress = context.getBean(Stress.class);
			Journal journal = context.getBean(Journal.class);
			Map<Integer, CompletableFuture<String>> results = new ConcurrentHashMap<>();
			Map<Integer, AtomicInteger> completions = new ConcurrentHashMap<>();
			Queue<String> problems = new ConcurrentLinkedQueue<>();
			CyclicBarrier start = new CyclicBarrier(THREADS);
			CountDownLatch callsDone = new CountDownLatch(THREADS);
			CountDownLatch drained = new CountDownLatch(1);
			List<Thread> workers = new ArrayList<>();
			for (int t = 0; t < THREADS; t++) {
				int base = t * ASYNC_CALLS_PER_THREAD;
				Thread worker = new Thread(() -> {
					try {
						start.await();
						for (int i = 0; i < ASYNC_CALLS_PER_THREAD; i++) {
							int id = base + i;
							AtomicInteger completed = new AtomicInteger();
							completions.put(id, completed);
							CompletableFuture<String> result = stress.workAsync(id);
							result.whenComplete((value, failure) -> completed.incrementAndGet());
							if (results.putIfAbsent(id, result) != null) {
								problems.add("call " + id + " made twice");
							}
							if (Thread.interrupted()) {
								problems.add("interrupt flag set after call " + id);
							}
						}
						callsDone.countDown();
						drained.await();
						normalCallsAreNotInterrupted(stress, problems);
					}
					catch (Throwable ex) {
						problems.add(Thread.currentThread().getName() + " failed: " + ex);
					}
				}, "stress-worker-" + t);
				workers.add(worker);
				worker.start();
			}
			assertThat(callsDone.await(60, TimeUnit.SECONDS)).as("every worker made its calls").isTrue();
			CompletableFuture.allOf(results.values().toArray(CompletableFuture[]::new))
				.handle((value, failure) -> null)
				.get(30, TimeUnit.SECONDS);
			awaitSchedulerDrained(context);
			drained.countDown();
			for (Thread worker : workers) {
				worker.join(TimeUnit.SECONDS.toMillis(30));
				assertThat(worker.isAlive()).as("%s finished", worker.getName()).isFalse();
			}
			assertThat(problems).isEmpty();
			assertThat(results).hasSize(THREADS * ASYNC_CALLS_PER_THREAD);
			assertThat(completions.values()).allSatisfy((count) -> assertThat(count).hasValue(1));
			Tally tally = new Tally();
			results.forEach((id, result) -> checkAsyncOutcome(id, result, journal.attempts.get(id), tally));
			assertThat(tally.problems).isEmpty();
			assertThat(tally.values).isPositive();
			assertThat(tally.timeouts).isPositive();
			// every future that could only end by the deadline was cancelled by it
			assertThat(journal.neverCompleting).isNotEmpty().allSatisfy((future) -> assertThat(future).isCancelled());
			assertThat(journal.normalInterrupted).hasValue(0);
			assertThat(journal.normalCalls).hasValue(THREADS);
		});
	}

	private static void normalCallsAreNotInterrupted(Stress stress, Queue<String> problems) {
		try {
			Thread.sleep(100);
		}
		catch (InterruptedException ex) {
			problems.add(Thread.currentThread().getName() + ": a plain sleep was interrupted");
		}
		try {
			String result = stress.normal();
			if (!"normal".equals(result)) {
				problems.add(Thread.currentThread().getName() + ": normal call returned " + result);
			}
		}
		catch (Throwable ex) {
			problems.add(Thread.currentThread().getName() + ": normal call failed with " + ex);
		}
		if (Thread.interrupted()) {
			problems.add(Thread.currentThread().getName() + ": interrupt flag set after the normal call");
		}
	}

	private static void awaitSchedulerDrained(AssertableApplicationContext context) throws InterruptedException {
		AsyncUtilsScheduler executor = context.getBean(AsyncUtilsScheduler.class);
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!executor.isIdle()) {
			assertThat(System.nanoTime()).as("scheduler drained").isLessThan(end);
			Thread.sleep(10);
		}
	}

	private static void checkPlainOutcome(int id, Object outcome, List<Behaviour> attempts, Tally tally) {
		String call = "call " + id + " " + attempts + " -> " + outcome + ": ";
		int count = attempts.size();
		if (count < 1 || count > 3) {
			tally.problems.add(call + "made " + count + " attempts");
			return;
		}
		Behaviour last = attempts.get(count - 1);
		if (outcome instanceof String value) {
			tally.values++;
			// only the last attempt may have produced a value, and only one that can
			String expected = (last == Behaviour.SUCCEED) ? "ok-" + id + "-" + count
					: (last == Behaviour.SPIN) ? "spun-" + id + "-" + count : null;
			if (!value.equals(expected)) {
				tally.problems.add(call + "unexpected value");
			}
			return;
		}
		Throwable failure = (Throwable) outcome;
		if (count != 3) {
			tally.problems.add(call + "a failure after fewer than 3 attempts");
			return;
		}
		if (failure instanceof IllegalStateException) {
			tally.failures++;
			if (last != Behaviour.THROW || !("fail-" + id + "-3").equals(failure.getMessage())
					|| failure.getSuppressed().length != 2) {
				tally.problems.add(call + "unexpected failure " + describe(failure));
				return;
			}
		}
		else if (failure instanceof TimeoutExceededException timeout) {
			tally.timeouts++;
			int suppressed = failure.getSuppressed().length;
			boolean ownFailure = suppressed == 3 && (failure.getSuppressed()[0] instanceof InterruptedException
					|| failure.getSuppressed()[0] instanceof IllegalStateException);
			if (!timeout.name().equals("Stress.work") || !(suppressed == 2 || ownFailure)) {
				tally.problems.add(call + "unexpected timeout " + describe(failure));
				return;
			}
		}
		else {
			tally.problems.add(call + "unexpected exception type " + describe(failure));
			return;
		}
		if (last == Behaviour.SLEEP || last == Behaviour.SWALLOW) {
			// these end only when interrupted by the deadline
			if (!(failure instanceof TimeoutExceededException)) {
				tally.problems.add(call + "an attempt that can only time out did not");
			}
		}
		checkEarlierFailures(call, id, attempts, failure, tally);
	}

	private static void checkAsyncOutcome(int id, CompletableFuture<String> result, List<Behaviour> attempts,
			Tally tally) {
		String call = "call " + id + " " + attempts + ": ";
		int count = attempts.size();
		if (count < 1 || count > 3) {
			tally.problems.add(call + "made " + count + " attempts");
			return;
		}
		if (!result.isDone()) {
			tally.problems.add(call + "never completed");
			return;
		}
		Behaviour last = attempts.get(count - 1);
		Throwable failure;
		try {
			String value = result.get();
			tally.values++;
			String expected = (last == Behaviour.SUCCEED) ? "ok-" + id + "-" + count
					: (last == Behaviour.LATE) ? "late-" + id + "-" + count : null;
			if (!value.equals(expected)) {
				tally.problems.add(call + "unexpected value " + value);
			}
			return;
		}
		catch (ExecutionException ex) {
			failure = ex.getCause();
		}
		catch (Exception ex) {
			tally.problems.add(call + "unexpected " + ex);
			return;
		}
		if (count != 3) {
			tally.problems.add(call + "a failure after fewer than 3 attempts: " + describe(failure));
			return;
		}
		if (failure instanceof IllegalStateException) {
			tally.failures++;
			if ((last != Behaviour.THROW && last != Behaviour.FAIL)
					|| !("fail-" + id + "-3").equals(failure.getMessage())) {
				tally.problems.add(call + "unexpected failure " + describe(failure));
				return;
			}
		}
		else if (failure instanceof TimeoutExceededException timeout) {
			tally.timeouts++;
			// any attempt may time out: on a busy machine even one that completes at once
			// can be overtaken by its deadline before the method returns
			if (!timeout.name().equals("Stress.workAsync")) {
				tally.problems.add(call + "unexpected timeout " + describe(failure));
				return;
			}
		}
		else {
			tally.problems.add(call + "unexpected exception type " + describe(failure));
			return;
		}
		if (failure.getSuppressed().length != 2) {
			tally.problems.add(call + "expected the 2 earlier failures suppressed: " + describe(failure));
			return;
		}
		checkEarlierFailures(call, id, attempts, failure, tally);
	}

	/**
	 * The last two suppressed exceptions are the failures of attempts 1 and 2, in order.
	 */
	private static void checkEarlierFailures(String call, int id, List<Behaviour> attempts, Throwable failure,
			Tally tally) {
		Throwable[] suppressed = failure.getSuppressed();
		for (int attempt = 1; attempt <= 2; attempt++) {
			Throwable earlier = suppressed[suppressed.length - 3 + attempt];
			Behaviour behaviour = attempts.get(attempt - 1);
			if (earlier instanceof IllegalStateException) {
				if ((behaviour != Behaviour.THROW && behaviour != Behaviour.FAIL)
						|| !("fail-" + id + "-" + attempt).equals(earlier.getMessage())) {
					tally.problems.add(call + "attempt " + attempt + " reported as " + earlier);
				}
			}
			else if (!(earlier instanceof TimeoutExceededException)) {
				tally.problems.add(call + "attempt " + attempt + " failed with " + earlier);
			}
		}
	}

	private static String describe(Throwable failure) {
		StringBuilder description = new StringBuilder(failure.toString());
		for (Throwable suppressed : failure.getSuppressed()) {
			description.append(" [suppressed ").append(suppressed).append(']');
		}
		return description.toString();
	}

	static final class Tally {

		final List<String> problems = new ArrayList<>();

		int values;

		int failures;

		int timeouts;

	}

	enum Behaviour {

		/** Returns a value at once. */
		SUCCEED,

		/** Throws at once. */
		THROW,

		/** Returns a failed future at once. */
		FAIL,

		/** Sleeps far past the deadline; ends only when interrupted. */
		SLEEP,

		/** Sleeps far past the deadline, swallows the interrupt and returns. */
		SWALLOW,

		/** Busy past the deadline, ignoring interrupts, then returns. */
		SPIN,

		/** Returns a future that never completes. */
		NEVER,

		/** Returns a future completed after the deadline. */
		LATE

	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Journal journal() {
			return new Journal();
		}

		@Bean
		Stress stress(Journal journal) {
			return new Stress(journal);
		}

	}

	static class Journal {

		final Map<Integer, List<Behaviour>> attempts = new ConcurrentHashMap<>();

		final List<CompletableFuture<String>> neverCompleting = new CopyOnWriteArrayList<>();

		final AtomicInteger normalCalls = new AtomicInteger();

		final AtomicInteger normalInterrupted = new AtomicInteger();

		int record(int id, Behaviour behaviour) {
			List<Behaviour> attempts = this.attempts.computeIfAbsent(id, (key) -> new CopyOnWriteArrayList<>());
			attempts.add(behaviour);
			return attempts.size();
		}

	}

	static class Stress {

		private static final Behaviour[] PLAIN = { Behaviour.SUCCEED, Behaviour.SUCCEED, Behaviour.SUCCEED,
				Behaviour.THROW, Behaviour.THROW, Behaviour.THROW, Behaviour.SLEEP, Behaviour.SLEEP, Behaviour.SWALLOW,
				Behaviour.SPIN };

		private static final Behaviour[] ASYNC = { Behaviour.SUCCEED, Behaviour.SUCCEED, Behaviour.THROW,
				Behaviour.FAIL, Behaviour.NEVER, Behaviour.NEVER, Behaviour.LATE };

		private final Journal journal;

		Stress(Journal journal) {
			this.journal = journal;
		}

		@Retry(maxAttempts = 3, delay = "1ms")
		@Timeout("20ms")
		public String work(int id) throws InterruptedException {
			Behaviour behaviour = PLAIN[ThreadLocalRandom.current().nextInt(PLAIN.length)];
			int attempt = this.journal.record(id, behaviour);
			switch (behaviour) {
				case THROW -> throw new IllegalStateException("fail-" + id + "-" + attempt);
				case SLEEP -> Thread.sleep(10_000);
				case SWALLOW -> {
					try {
						Thread.sleep(10_000);
					}
					catch (InterruptedException ex) {
						// swallowed
					}
					return "swallowed-" + id + "-" + attempt;
				}
				case SPIN -> {
					long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(30);
					while (System.nanoTime() < end) {
						Thread.onSpinWait();
					}
					return "spun-" + id + "-" + attempt;
				}
				default -> {
				}
			}
			return "ok-" + id + "-" + attempt;
		}

		@Retry(maxAttempts = 3, delay = "1ms")
		@Timeout("20ms")
		public CompletableFuture<String> workAsync(int id) {
			Behaviour behaviour = ASYNC[ThreadLocalRandom.current().nextInt(ASYNC.length)];
			int attempt = this.journal.record(id, behaviour);
			switch (behaviour) {
				case THROW -> throw new IllegalStateException("fail-" + id + "-" + attempt);
				case FAIL -> {
					return CompletableFuture.failedFuture(new IllegalStateException("fail-" + id + "-" + attempt));
				}
				case NEVER -> {
					CompletableFuture<String> never = new CompletableFuture<>();
					this.journal.neverCompleting.add(never);
					return never;
				}
				case LATE -> {
					return CompletableFuture.supplyAsync(() -> "late-" + id + "-" + attempt,
							CompletableFuture.delayedExecutor(40, TimeUnit.MILLISECONDS));
				}
				default -> {
					return CompletableFuture.completedFuture("ok-" + id + "-" + attempt);
				}
			}
		}

		@Retry(maxAttempts = 3, delay = "1ms")
		@Timeout("5s")
		public String normal() {
			this.journal.normalCalls.incrementAndGet();
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				this.journal.normalInterrupted.incrementAndGet();
				Thread.currentThread().interrupt();
				return "interrupted";
			}
			return "normal";
		}

	}

}
