package dev.asyncutils.timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.core.TestContexts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

/**
 * {@code @Timeout} on plain and {@code void} methods: the caller's thread is interrupted
 * at the deadline, the caller gets {@link TimeoutExceededException} once the method is
 * done, and the interrupt flag never survives the call.
 */
class TimeoutPlainTests {

	private final ApplicationContextRunner runner = TestContexts.withBeans(Probe.class, Worker.class);

	@AfterEach
	void clearInterrupt() {
		// never let one test's interrupt reach the next one
		Thread.interrupted();
	}

	@Test
	void deadlineInterruptsASleepingMethod() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			Probe probe = context.getBean(Probe.class);
			long start = System.nanoTime();
			Throwable thrown = catchThrowable(() -> worker.sleep(10_000));
			long elapsed = System.nanoTime() - start;
			assertThat(thrown).isInstanceOf(TimeoutExceededException.class)
				.hasMessage("'sleeper' did not complete within 100ms");
			TimeoutExceededException exceeded = (TimeoutExceededException) thrown;
			assertThat(exceeded.name()).isEqualTo("sleeper");
			assertThat(exceeded.timeout()).isEqualTo(Duration.ofMillis(100));
			assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
			// the 10s sleep was cut short by the interrupt
			assertThat(elapsed).isLessThan(Duration.ofSeconds(5).toNanos());
			assertThat(probe.thrown).hasSize(1);
			assertThat(probe.thrown.get(0)).isInstanceOf(InterruptedException.class);
			assertThat(exceeded.getSuppressed()).containsExactly(probe.thrown.get(0));
			assertThat(probe.threads).containsExactly(Thread.currentThread().getName());
			assertThat(Thread.currentThread().isInterrupted()).isFalse();
		});
	}

	@Test
	void busyMethodThatIgnoresTheInterruptRunsToCompletionBeforeTheCallerGetsTheTimeout() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			Probe probe = context.getBean(Probe.class);
			long start = System.nanoTime();
			Throwable thrown = catchThrowable(() -> worker.spin(300));
			long elapsed = System.nanoTime() - start;
			assertThat(thrown).isInstanceOf(TimeoutExceededException.class)
				.hasMessage("'Worker.spin' did not complete within 50ms");
			assertThat(((TimeoutExceededException) thrown).name()).isEqualTo("Worker.spin");
			assertThat(((TimeoutExceededException) thrown).timeout()).isEqualTo(Duration.ofMillis(50));
			assertThat(thrown.getSuppressed()).isEmpty();
			// the caller waited for the method, which ran to its end
			assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(300).toNanos());
			assertThat(probe.completed).hasValue(1);
			// the method did see the interrupt (and ignored it)
			assertThat(probe.flagAtEnd).containsExactly(true);
			assertThat(Thread.currentThread().isInterrupted()).isFalse();
		});
	}

	@Test
	void methodThatSwallowsTheInterruptAndReturnsStillTimesOut() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			Probe probe = context.getBean(Probe.class);
			long start = System.nanoTime();
			Throwable thrown = catchThrowable(worker::swallow);
			long elapsed = System.nanoTime() - start;
			assertThat(thrown).isInstanceOf(TimeoutExceededException.class);
			assertThat(((TimeoutExceededException) thrown).name()).isEqualTo("Worker.swallow");
			assertThat(thrown.getSuppressed()).isEmpty();
			assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
			assertThat(probe.completed).hasValue(1);
			assertThat(probe.thrown).singleElement().isInstanceOf(InterruptedException.class);
			assertThat(Thread.currentThread().isInterrupted()).isFalse();
		});
	}

	@Test
	void methodThatReturnsWithTheInterruptFlagSetTimesOutAndTheFlagIsCleared() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			Probe probe = context.getBean(Probe.class);
			assertThatExceptionOfType(TimeoutExceededException.class).isThrownBy(worker::parkUntilInterrupted)
				.satisfies((ex) -> assertThat(ex.getSuppressed()).isEmpty());
			assertThat(probe.flagAtEnd).containsExactly(true);
			assertThat(Thread.currentThread().isInterrupted()).isFalse();
			assertNotInterruptedDuring(200);
		});
	}

	@Test
	void voidMethodTimesOut() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			Probe probe = context.getBean(Probe.class);
			long start = System.nanoTime();
			Throwable thrown = catchThrowable(() -> worker.sleepVoid(10_000));
			long elapsed = System.nanoTime() - start;
			assertThat(thrown).isInstanceOf(TimeoutExceededException.class)
				.hasMessage("'Worker.sleepVoid' did not complete within 50ms");
			assertThat(elapsed).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos())
				.isLessThan(Duration.ofSeconds(5).toNanos());
			assertThat(probe.thrown).singleElement().isInstanceOf(InterruptedException.class);
			assertThat(thrown.getSuppressed()).containsExactly(probe.thrown.get(0));
			assertThat(Thread.currentThread().isInterrupted()).isFalse();
		});
	}

	@Test
	void voidMethodThatFinishesInTimeIsUnaffected() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			Probe probe = context.getBean(Probe.class);
			worker.quickVoid("a");
			worker.quickVoid("b");
			assertThat(probe.values).containsExactly("a", "b");
			assertThat(Thread.currentThread().isInterrupted()).isFalse();
			assertNotInterruptedDuring(400);
		});
	}

	@Test
	void methodThatFinishesInTimeReturnsItsValue() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			assertThat(worker.quick("x")).isEqualTo("x!");
			assertThat(worker.quick("y")).isEqualTo("y!");
			assertThat(Thread.currentThread().isInterrupted()).isFalse();
			// the cancelled deadline never fires later
			assertNotInterruptedDuring(400);
		});
	}

	@Test
	void methodThatFinishesInTimeThrowsItsOwnExceptionUnchanged() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			IllegalStateException failure = new IllegalStateException("own failure");
			assertThat(catchThrowable(() -> worker.fail(failure))).isSameAs(failure);
			assertThat(failure.getSuppressed()).isEmpty();
			IOException checked = new IOException("own checked failure");
			assertThat(catchThrowable(() -> worker.failChecked(checked))).isSameAs(checked);
			assertThat(checked.getSuppressed()).isEmpty();
			assertThat(Thread.currentThread().isInterrupted()).isFalse();
			assertNotInterruptedDuring(400);
		});
	}

	@Test
	void methodThatFinishesInTimeLeavesTheCallersOwnInterruptAlone() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			Thread.currentThread().interrupt();
			assertThat(worker.quick("z")).isEqualTo("z!");
			assertThat(Thread.interrupted()).isTrue();
		});
	}

	@Test
	void timedOutCallsNeverLeaveAnInterruptForTheNextCallOnTheThread() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			Mode[] modes = Mode.values();
			for (int i = 0; i < 12; i++) {
				Mode mode = modes[i % modes.length];
				assertThatExceptionOfType(TimeoutExceededException.class)
					.isThrownBy(() -> worker.untilInterrupted(mode))
					.satisfies((ex) -> assertThat(ex.name()).isEqualTo("Worker.untilInterrupted"));
				assertThat(Thread.currentThread().isInterrupted()).as("flag after %s call", mode).isFalse();
				assertNotInterruptedDuring(200);
			}
		});
	}

	@Test
	void callsRacingTheDeadlineNeverLeakAnInterrupt() {
		this.runner.run((context) -> {
			Worker worker = context.getBean(Worker.class);
			Mode[] modes = Mode.values();
			int timeouts = 0;
			int values = 0;
			List<String> leaks = new ArrayList<>();
			for (int i = 0; i < 200; i++) {
				Mode mode = modes[i % modes.length];
				// 0 to 3ms, around the 1ms and 2ms deadlines
				long nanos = (i % 7) * 500_000L;
				boolean oneMs = (i / 7) % 2 == 0;
				try {
					String result = oneMs ? worker.race1ms(mode, nanos) : worker.race2ms(mode, nanos);
					assertThat(result).isEqualTo(mode + ":" + nanos);
					values++;
				}
				catch (TimeoutExceededException ex) {
					assertThat(ex.name()).isEqualTo(oneMs ? "Worker.race1ms" : "Worker.race2ms");
					assertThat(ex.getSuppressed())
						.allSatisfy((suppressed) -> assertThat(suppressed).isInstanceOf(InterruptedException.class));
					timeouts++;
				}
				catch (Throwable ex) {
					fail("call %d (%s, %dns) ended with %s instead of a value or a timeout", i, mode, nanos, ex);
				}
				if (Thread.currentThread().isInterrupted()) {
					Thread.interrupted();
					leaks.add("call " + i + " (" + mode + ", " + nanos + "ns): flag set after the call");
				}
				try {
					Thread.sleep(10);
				}
				catch (InterruptedException ex) {
					leaks.add("call " + i + " (" + mode + ", " + nanos + "ns): next sleep interrupted");
				}
			}
			assertThat(leaks).isEmpty();
			// the race really was run: both outcomes happened
			assertThat(timeouts).isPositive();
			assertThat(values).isPositive();
			assertNotInterruptedDuring(200);
		});
	}

	private static void assertNotInterruptedDuring(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			fail("a later sleep on the caller's thread was interrupted");
		}
	}

	enum Mode {

		/** Busy, ignores interrupts. */
		SPIN,

		/** {@code Thread.sleep}, throws {@code InterruptedException}. */
		SLEEP,

		/** Parks, returns early with the flag still set. */
		PARK,

		/** Sleeps, swallows the {@code InterruptedException} and returns. */
		SWALLOW

	}

	static class Probe {

		final AtomicInteger completed = new AtomicInteger();

		final List<Throwable> thrown = new CopyOnWriteArrayList<>();

		final List<Boolean> flagAtEnd = new CopyOnWriteArrayList<>();

		final List<String> values = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

	}

	static class Worker {

		private final Probe probe;

		Worker(Probe probe) {
			this.probe = probe;
		}

		@Timeout(value = "100ms", name = "sleeper")
		public String sleep(long millis) throws InterruptedException {
			this.probe.threads.add(Thread.currentThread().getName());
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				this.probe.thrown.add(ex);
				throw ex;
			}
			return "slept";
		}

		@Timeout("50ms")
		public void sleepVoid(long millis) throws InterruptedException {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				this.probe.thrown.add(ex);
				throw ex;
			}
		}

		@Timeout("50ms")
		public long spin(long millis) {
			long start = System.nanoTime();
			busy(millis);
			this.probe.flagAtEnd.add(Thread.currentThread().isInterrupted());
			this.probe.completed.incrementAndGet();
			return System.nanoTime() - start;
		}

		@Timeout("50ms")
		public String swallow() {
			try {
				Thread.sleep(10_000);
			}
			catch (InterruptedException ex) {
				this.probe.thrown.add(ex);
			}
			this.probe.completed.incrementAndGet();
			return "swallowed";
		}

		@Timeout("50ms")
		public String parkUntilInterrupted() {
			long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			while (!Thread.currentThread().isInterrupted() && System.nanoTime() < end) {
				LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(10));
			}
			this.probe.flagAtEnd.add(Thread.currentThread().isInterrupted());
			return "parked";
		}

		@Timeout("300ms")
		public String quick(String value) {
			return value + "!";
		}

		@Timeout("300ms")
		public void quickVoid(String value) {
			this.probe.values.add(value);
		}

		@Timeout("300ms")
		public String fail(RuntimeException failure) {
			throw failure;
		}

		@Timeout("300ms")
		public String failChecked(IOException failure) throws IOException {
			throw failure;
		}

		@Timeout("1ms")
		public String race1ms(Mode mode, long nanos) throws InterruptedException {
			return race(mode, nanos);
		}

		@Timeout("2ms")
		public String race2ms(Mode mode, long nanos) throws InterruptedException {
			return race(mode, nanos);
		}

		@Timeout("2ms")
		public String untilInterrupted(Mode mode) throws InterruptedException {
			return switch (mode) {
				case SPIN -> {
					busy(20);
					yield "spun";
				}
				default -> race(mode, TimeUnit.SECONDS.toNanos(10));
			};
		}

		/**
		 * Busy for at least {@code millis}, ignoring interrupts, and in any case until
		 * the deadline's interrupt has arrived (bounded by 10s), so that the deadline
		 * passes even on a machine too busy to run the scheduler on time. The flag is
		 * left set.
		 */
		private static void busy(long millis) {
			long start = System.nanoTime();
			long min = start + TimeUnit.MILLISECONDS.toNanos(millis);
			long max = start + TimeUnit.SECONDS.toNanos(10);
			while (System.nanoTime() < min || (!Thread.currentThread().isInterrupted() && System.nanoTime() < max)) {
				Thread.onSpinWait();
			}
		}

		private String race(Mode mode, long nanos) throws InterruptedException {
			switch (mode) {
				case SPIN -> {
					long end = System.nanoTime() + nanos;
					while (System.nanoTime() < end) {
						Thread.onSpinWait();
					}
				}
				case SLEEP -> TimeUnit.NANOSECONDS.sleep(nanos);
				case PARK -> {
					// parks until the time is up or the thread is interrupted (park may
					// return early for no reason, so loop as real code does)
					long end = System.nanoTime() + nanos;
					long left = nanos;
					while (left > 0 && !Thread.currentThread().isInterrupted()) {
						LockSupport.parkNanos(left);
						left = end - System.nanoTime();
					}
				}
				case SWALLOW -> {
					try {
						TimeUnit.NANOSECONDS.sleep(nanos);
					}
					catch (InterruptedException ex) {
						// swallowed
					}
				}
			}
			return mode + ":" + nanos;
		}

	}

}
