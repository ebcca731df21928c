package dev.asyncutils.core;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deadline timer: every deadline that is not finished expires exactly once and never
 * before it is due; finished ones never expire; an earlier deadline wakes a sleeping
 * timer; finished deadlines do not pile up.
 */
class DeadlineTimerTests {

	private final DeadlineTimer timer = new DeadlineTimer("test-timer");

	@AfterEach
	void stop() {
		this.timer.stop();
	}

	@Test
	void expiresOnceAndNeverBeforeItIsDue() throws InterruptedException {
		Probe probe = new Probe();
		long start = System.nanoTime();
		this.timer.schedule(probe, TimeUnit.MILLISECONDS.toNanos(50));
		assertThat(probe.expired.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(probe.expiredAt.get() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
		Thread.sleep(20);
		assertThat(probe.expirations.get()).isEqualTo(1);
	}

	@Test
	void finishedDeadlineNeverExpires() throws InterruptedException {
		Probe probe = new Probe();
		this.timer.schedule(probe, TimeUnit.MILLISECONDS.toNanos(20));
		probe.finished = true;
		Thread.sleep(200);
		assertThat(probe.expirations.get()).isZero();
	}

	@Test
	void earlierDeadlineWakesATimerSleepingUntilALaterOne() throws InterruptedException {
		Probe late = new Probe();
		this.timer.schedule(late, TimeUnit.HOURS.toNanos(1));
		// let the timer drain it, linger and go to sleep until the late deadline
		Thread.sleep(100);
		Probe early = new Probe();
		long start = System.nanoTime();
		this.timer.schedule(early, TimeUnit.MILLISECONDS.toNanos(30));
		assertThat(early.expired.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(early.expiredAt.get() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
		assertThat(late.expirations.get()).isZero();
	}

	@Test
	void idleTimerWakesForANewDeadline() throws InterruptedException {
		Probe first = new Probe();
		this.timer.schedule(first, 0);
		assertThat(first.expired.await(10, TimeUnit.SECONDS)).isTrue();
		Thread.sleep(100);
		Probe second = new Probe();
		this.timer.schedule(second, TimeUnit.MILLISECONDS.toNanos(10));
		assertThat(second.expired.await(10, TimeUnit.SECONDS)).isTrue();
	}

	@Test
	void manyThreadsEveryDeadlineHasExactlyOneFate() throws InterruptedException {
		int threads = 8;
		int perThread = 20_000;
		List<Probe> all = new ArrayList<>();
		List<Thread> workers = new ArrayList<>();
		List<List<Probe>> byThread = new ArrayList<>();
		for (int t = 0; t < threads; t++) {
			List<Probe> mine = new ArrayList<>(perThread);
			byThread.add(mine);
			workers.add(new Thread(() -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				for (int i = 0; i < perThread; i++) {
					Probe probe = new Probe();
					mine.add(probe);
					long delay = TimeUnit.MICROSECONDS.toNanos(random.nextInt(0, 3000));
					probe.scheduledAt = System.nanoTime();
					probe.delay = delay;
					this.timer.schedule(probe, delay);
					if (random.nextBoolean()) {
						// the call finishes: it wins unless the timer got there first
						probe.finish();
					}
				}
			}));
		}
		workers.forEach(Thread::start);
		for (Thread worker : workers) {
			worker.join();
		}
		byThread.forEach(all::addAll);
		for (Probe probe : all) {
			if (!probe.finishedInTime) {
				assertThat(probe.expired.await(10, TimeUnit.SECONDS)).isTrue();
			}
		}
		Thread.sleep(50);
		int expired = 0;
		for (Probe probe : all) {
			if (probe.finishedInTime) {
				assertThat(probe.expirations.get()).isZero();
			}
			else {
				expired++;
				assertThat(probe.expirations.get()).isEqualTo(1);
				assertThat(probe.expiredAt.get() - probe.scheduledAt).isGreaterThanOrEqualTo(probe.delay);
			}
		}
		assertThat(expired).isPositive();
		// nothing left behind: finished deadlines are dropped, due ones expired
		Thread.sleep(3 * DeadlineTimer.LINGER_MILLIS + 20);
		assertThat(this.timer.watchedCount()).isZero();
	}

	@Test
	void finishedDeadlinesFarFromDueDoNotAccumulate() throws InterruptedException {
		// calls still running when drained, finished later: watched until a sweep, and
		// a sweep comes whenever the heap doubled, so the heap stays near the live count
		int rounds = 15;
		int batch = 2000;
		for (int round = 0; round < rounds; round++) {
			List<Probe> running = new ArrayList<>();
			for (int i = 0; i < batch; i++) {
				Probe probe = new Probe();
				this.timer.schedule(probe, TimeUnit.HOURS.toNanos(1));
				running.add(probe);
			}
			Thread.sleep(20);
			running.forEach(Probe::finish);
		}
		Thread.sleep(20);
		assertThat(this.timer.watchedCount()).isPositive().isLessThanOrEqualTo(3 * batch);
	}

	@Test
	void deadlinesScheduledAfterTheTimerStoppedAreEndedAtOnceNotLeftOnAStack() {
		// issue 11, suspected defect 7: after stop(), deadlines were pushed onto stacks
		// nobody drains, and their calls waited forever
		this.timer.stop();
		Probe probe = new Probe();
		this.timer.schedule(probe, TimeUnit.HOURS.toNanos(1));
		assertThat(probe.offers).containsExactly(2);
		assertThat(probe.isFinished()).isTrue();
	}

	@Test
	void closingEndsWaitingDeadlinesAndKeepsRunningOnesUntilStop() throws InterruptedException {
		Probe waiting = new Probe();
		waiting.endsWhenClosing = true;
		Probe running = new Probe();
		this.timer.schedule(waiting, TimeUnit.HOURS.toNanos(1));
		this.timer.schedule(running, TimeUnit.HOURS.toNanos(1));
		this.timer.shutdown(new AsyncUtilsScheduler(1));
		awaitOffers(waiting, 1);
		awaitOffers(running, 1);
		assertThat(waiting.isFinished()).isTrue();
		assertThat(running.isFinished()).isFalse();
		Probe late = new Probe();
		this.timer.schedule(late, TimeUnit.HOURS.toNanos(1));
		assertThat(late.offers).contains(1);
		this.timer.stop();
		awaitOffers(running, 2);
		assertThat(running.offers).containsExactly(1, 2);
		assertThat(running.isFinished()).isTrue();
		assertThat(waiting.offers).containsExactly(1);
		assertThat(running.expirations.get()).isZero();
	}

	private static void awaitOffers(Probe probe, int count) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (probe.offers.size() < count && System.nanoTime() < deadline) {
			Thread.sleep(1);
		}
		assertThat(probe.offers).hasSize(count);
	}

	private static final class Probe extends DeadlineTimer.Deadline {

		final CountDownLatch expired = new CountDownLatch(1);

		final AtomicInteger expirations = new AtomicInteger();

		final AtomicLong expiredAt = new AtomicLong();

		/** 0 running, 1 finished by the caller, 2 expired by the timer. */
		private final AtomicInteger state = new AtomicInteger();

		volatile boolean finished;

		boolean finishedInTime;

		long scheduledAt;

		long delay;

		void finish() {
			this.finishedInTime = this.state.compareAndSet(0, 1);
			this.finished = true;
		}

		@Override
		protected boolean isFinished() {
			return this.finished || this.state.get() != 0;
		}

		/** The shutdown offers received: 1 for "closing", 2 for "stopping". */
		final java.util.List<Integer> offers = new java.util.concurrent.CopyOnWriteArrayList<>();

		/** Whether to end the call when the context begins to close, as a stage does. */
		boolean endsWhenClosing;

		@Override
		protected void shutdown(boolean stopping) {
			this.offers.add(stopping ? 2 : 1);
			if (stopping || this.endsWhenClosing) {
				this.state.compareAndSet(0, 3);
			}
		}

		@Override
		protected void expire() {
			this.expiredAt.set(System.nanoTime());
			this.expirations.incrementAndGet();
			if (!this.finished) {
				this.state.compareAndSet(0, 2);
			}
			this.expired.countDown();
		}

	}

}
