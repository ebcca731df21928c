package dev.asyncutils.bounded;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.core.AsyncUtilsScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Chaos around one shared {@code @Bounded} limit: blocking and asynchronous callers at
 * once, with max-wait expiries, a full line, cancellations at random moments, method
 * failures, {@code @Timeout} deadlines and interrupts. After every round the limit is
 * intact (all slots free, nobody waiting), was never exceeded, and every call ended
 * exactly once, with a value or an expected failure.
 */
class BoundedChaosTests {

	private static final int LIMIT = 3;

	private static final int ROUNDS = 4;

	private static final long ROUND_MILLIS = 900;

	/**
	 * Plain callers per round: crowded rounds (a full line, expiries), and light ones
	 * (calls find free slots and take the fast paths).
	 */
	private static final int[] PLAIN_CALLERS = { 6, 2, 5, 1 };

	/** Longest pause of the asynchronous caller between bursts, per round. */
	private static final long[] ASYNC_PAUSE_MICROS = { 1500, 4000, 1500, 4000 };

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void limitSurvivesChaosIntactAndEveryCallEndsOnce() {
		this.runner.run((context) -> {
			Chaos chaos = context.getBean(Chaos.class);
			Tracker tracker = context.getBean(Tracker.class);
			ScheduledExecutorService helper = context.getBean("chaosHelper", ScheduledExecutorService.class);
			BoundedLimiter limiter = context.getBean(BoundedRegistry.class).get("chaos");
			ScheduledExecutorService scheduler = context.getBean(AsyncUtilsScheduler.class).executor();
			assertThat(limiter.limit()).isEqualTo(LIMIT);
			Map<Outcome, Integer> totals = new EnumMap<>(Outcome.class);
			int maxOverall = 0;
			for (int round = 0; round < ROUNDS; round++) {
				tracker.reset();
				Queue<Job> jobs = new ConcurrentLinkedQueue<>();
				AtomicInteger ids = new AtomicInteger();
				long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ROUND_MILLIS);
				List<Thread> callers = new ArrayList<>();
				int plainCallers = PLAIN_CALLERS[round % PLAIN_CALLERS.length];
				for (int i = 0; i < plainCallers; i++) {
					callers.add(new Thread(() -> plainCalls(chaos, helper, jobs, ids, end), "plain-caller-" + i));
				}
				long asyncPause = ASYNC_PAUSE_MICROS[round % ASYNC_PAUSE_MICROS.length];
				callers.add(new Thread(() -> asyncCalls(chaos, helper, jobs, ids, end, asyncPause), "async-caller"));
				callers.add(new Thread(() -> hiccups(scheduler, end), "scheduler-hiccups"));
				callers.forEach(Thread::start);
				for (Thread caller : callers) {
					caller.join(20_000);
					assertThat(caller.isAlive()).as("caller %s finished", caller.getName()).isFalse();
				}
				// quiescence: every call has ended, every holder has let go
				for (Job job : jobs) {
					Awaits.until("call " + job.id + " (" + job.kind + ") ended", job::settled);
				}
				Awaits.until("all slots free and nobody waiting",
						() -> limiter.active() == 0 && limiter.waiting() == 0 && tracker.current() == 0,
						() -> "(" + limiter + ", " + tracker.current() + " invocations in flight)");
				assertThat(limiter.availableSlots()).isEqualTo(LIMIT);
				assertThat(limiter.active()).isZero();
				assertThat(limiter.waiting()).isZero();
				assertThat(tracker.max()).isBetween(1, LIMIT);
				maxOverall = Math.max(maxOverall, tracker.max());
				assertThat(tracker.current()).isZero();
				for (Job job : jobs) {
					totals.merge(verify(job), 1, Integer::sum);
				}
			}
			// the crowded rounds used the whole limit
			assertThat(maxOverall).isEqualTo(LIMIT);
			// the chaos went through every path it is meant to exercise
			assertThat(totals).containsKeys(Outcome.VALUE, Outcome.METHOD_FAILURE, Outcome.REJECTED_QUEUE_FULL,
					Outcome.REJECTED_MAX_WAIT, Outcome.REJECTED_INTERRUPTED, Outcome.TIMEOUT_WHILE_WAITING,
					Outcome.TIMEOUT_WHILE_RUNNING, Outcome.CANCELLED, Outcome.DISPOSED);
			// the slots are all real: exactly the limit can be taken, and no more
			for (int i = 0; i < LIMIT; i++) {
				assertThat(HeldSlots.of(limiter).tryAcquire()).isTrue();
			}
			assertThat(HeldSlots.of(limiter).tryAcquire()).isFalse();
			for (int i = 0; i < LIMIT; i++) {
				HeldSlots.of(limiter).release();
			}
			assertThat(limiter.availableSlots()).isEqualTo(LIMIT);
		});
	}

	private static void plainCalls(Chaos chaos, ScheduledExecutorService helper, Queue<Job> jobs, AtomicInteger ids,
			long end) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		Thread self = Thread.currentThread();
		while (System.nanoTime() < end) {
			Kind kind = random.nextBoolean() ? Kind.PLAIN : Kind.PLAIN_TIMED;
			Job job = Job.random(ids.incrementAndGet(), kind, random);
			jobs.add(job);
			Interrupter interrupter = null;
			if (random.nextInt(4) == 0) {
				interrupter = new Interrupter(self);
				helper.schedule(interrupter, random.nextLong(5000), TimeUnit.MICROSECONDS);
			}
			boolean rejected = false;
			try {
				job.end((kind == Kind.PLAIN) ? chaos.plain(job) : chaos.plainTimed(job));
			}
			catch (Throwable ex) {
				job.end(ex);
				rejected = ex instanceof BoundedRejectedException;
			}
			finally {
				if (interrupter != null) {
					interrupter.disarm();
				}
				// an interrupt that arrived outside the call is not the call's business
				Thread.interrupted();
			}
			if (random.nextInt(3) == 0) {
				// pauses between calls let the line run empty now and then
				LockSupport.parkNanos(random.nextLong(2_000_000));
			}
			if (rejected) {
				// back off a little, so that the line is not all the chaos there is
				LockSupport.parkNanos(random.nextLong(200_000, 1_500_000));
			}
		}
	}

	private static void asyncCalls(Chaos chaos, ScheduledExecutorService helper, Queue<Job> jobs, AtomicInteger ids,
			long end, long maxPauseMicros) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		Kind[] kinds = { Kind.ASYNC, Kind.ASYNC_TIMED, Kind.MONO, Kind.MONO_TIMED, Kind.FLUX };
		while (System.nanoTime() < end) {
			int burst = (random.nextInt(4) == 0) ? 2 + random.nextInt(4) : 1;
			for (int i = 0; i < burst; i++) {
				Kind kind = kinds[random.nextInt(kinds.length)];
				Job job = Job.random(ids.incrementAndGet(), kind, random);
				jobs.add(job);
				boolean cancel = random.nextInt(10) < 3;
				long cancelAfter = random.nextLong(8000);
				try {
					if (kind == Kind.ASYNC || kind == Kind.ASYNC_TIMED) {
						CompletableFuture<String> result = (kind == Kind.ASYNC) ? chaos.async(job)
								: chaos.asyncTimed(job);
						result.whenComplete((value, failure) -> job.end((failure != null) ? failure : value));
						if (cancel) {
							helper.schedule(() -> {
								job.cancelledByTest = true;
								result.cancel(true);
							}, cancelAfter, TimeUnit.MICROSECONDS);
						}
					}
					else {
						Flux<String> publisher = switch (kind) {
							case MONO -> chaos.mono(job).flux();
							case MONO_TIMED -> chaos.monoTimed(job).flux();
							default -> chaos.flux(job);
						};
						Disposable subscription = publisher.subscribe((value) -> job.last = value, job::end,
								() -> job.end((job.last != null) ? job.last : "empty"));
						if (cancel) {
							helper.schedule(() -> {
								job.cancelledByTest = true;
								subscription.dispose();
								job.disposed.set(true);
							}, cancelAfter, TimeUnit.MICROSECONDS);
						}
					}
				}
				catch (Throwable ex) {
					job.end(new AssertionError("asynchronous method threw to its caller", ex));
				}
			}
			LockSupport.parkNanos(random.nextLong(200_000, maxPauseMicros * 1000));
		}
	}

	/**
	 * Keep the shared scheduler busy now and then, as a loaded application would: granted
	 * asynchronous waiters then wait a while to start, and cancellations land between the
	 * grant and the start.
	 */
	private static void hiccups(ScheduledExecutorService scheduler, long end) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		while (System.nanoTime() < end) {
			long pause = random.nextLong(500_000, 3_000_000);
			scheduler.execute(() -> LockSupport.parkNanos(pause));
			LockSupport.parkNanos(random.nextLong(1_000_000, 6_000_000));
		}
	}

	private static Outcome verify(Job job) {
		String call = "call " + job.id + " (" + job.kind + ")";
		Object outcome = job.outcome.get();
		int invocations = job.invocations.get();
		assertThat(job.endings.get()).as("%s ended at most once", call).isLessThanOrEqualTo(1);
		assertThat(invocations).as("%s invoked at most once", call).isLessThanOrEqualTo(1);
		if (outcome == null) {
			assertThat(job.kind.reactive).as("%s without outcome is a reactive call", call).isTrue();
			assertThat(job.disposed.get()).as("%s without outcome was disposed", call).isTrue();
			return Outcome.DISPOSED;
		}
		if (outcome instanceof String value) {
			assertThat(value).as("%s value", call).isEqualTo("ok-" + job.id);
			assertThat(job.fail).as("%s was to succeed", call).isFalse();
			assertThat(invocations).as("%s invocations", call).isEqualTo(1);
			return Outcome.VALUE;
		}
		if (outcome instanceof ChaosFailure failure) {
			assertThat(failure).as("%s failure passed unchanged", call).isSameAs(job.thrown.get());
			assertThat(invocations).as("%s invocations", call).isEqualTo(1);
			return Outcome.METHOD_FAILURE;
		}
		if (outcome instanceof BoundedRejectedException rejected) {
			assertThat(rejected.name()).isEqualTo("chaos");
			assertThat(rejected.limit()).isEqualTo(LIMIT);
			assertThat(invocations).as("%s was rejected, so never invoked", call).isZero();
			String message = rejected.getMessage();
			if (message.contains("max-queued")) {
				return Outcome.REJECTED_QUEUE_FULL;
			}
			if (message.contains("max-wait")) {
				return Outcome.REJECTED_MAX_WAIT;
			}
			assertThat(message).contains("interrupted");
			assertThat(job.kind).isIn(Kind.PLAIN, Kind.PLAIN_TIMED);
			return Outcome.REJECTED_INTERRUPTED;
		}
		if (outcome instanceof TimeoutExceededException timeout) {
			assertThat(job.kind.timed).as("%s timed out, so it has a deadline", call).isTrue();
			boolean rejectedWhileWaiting = false;
			for (Throwable suppressed : timeout.getSuppressed()) {
				if (suppressed instanceof BoundedRejectedException) {
					rejectedWhileWaiting = true;
				}
				else {
					assertThat(suppressed).isSameAs(job.thrown.get());
				}
			}
			if (rejectedWhileWaiting) {
				assertThat(invocations).as("%s timed out while waiting, so never invoked", call).isZero();
				return Outcome.TIMEOUT_WHILE_WAITING;
			}
			return (invocations == 0) ? Outcome.TIMEOUT_WHILE_WAITING : Outcome.TIMEOUT_WHILE_RUNNING;
		}
		if (outcome instanceof CancellationException) {
			assertThat(job.kind).isIn(Kind.ASYNC, Kind.ASYNC_TIMED);
			assertThat(job.cancelledByTest).as("%s cancelled by the test", call).isTrue();
			return Outcome.CANCELLED;
		}
		throw new AssertionError(call + " ended unexpectedly", (outcome instanceof Throwable ex) ? ex : null);
	}

	enum Outcome {

		VALUE, METHOD_FAILURE, REJECTED_QUEUE_FULL, REJECTED_MAX_WAIT, REJECTED_INTERRUPTED, TIMEOUT_WHILE_WAITING,
		TIMEOUT_WHILE_RUNNING, CANCELLED, DISPOSED

	}

	enum Kind {

		PLAIN(false, false), PLAIN_TIMED(true, false), ASYNC(false, false), ASYNC_TIMED(true, false), MONO(false, true),
		MONO_TIMED(true, true), FLUX(false, true);

		final boolean timed;

		final boolean reactive;

		Kind(boolean timed, boolean reactive) {
			this.timed = timed;
			this.reactive = reactive;
		}

	}

	/**
	 * One call: what the method is to do, and what happened to it.
	 */
	static final class Job {

		final int id;

		final Kind kind;

		final long holdMicros;

		final boolean fail;

		final AtomicInteger invocations = new AtomicInteger();

		final AtomicInteger endings = new AtomicInteger();

		final AtomicReference<@Nullable Object> outcome = new AtomicReference<>();

		final AtomicReference<@Nullable ChaosFailure> thrown = new AtomicReference<>();

		final AtomicBoolean disposed = new AtomicBoolean();

		volatile boolean cancelledByTest;

		volatile @Nullable String last;

		Job(int id, Kind kind, long holdMicros, boolean fail) {
			this.id = id;
			this.kind = kind;
			this.holdMicros = holdMicros;
			this.fail = fail;
		}

		static Job random(int id, Kind kind, ThreadLocalRandom random) {
			long hold;
			if (random.nextInt(12) == 0) {
				// a slow call: the line behind it runs into max-wait
				hold = random.nextLong(10_000, 25_000);
			}
			else if ((kind == Kind.ASYNC || kind == Kind.ASYNC_TIMED) && random.nextInt(10) == 0) {
				// completes before the method returns
				hold = 0;
			}
			else {
				hold = random.nextLong(5000);
			}
			return new Job(id, kind, hold, random.nextInt(7) == 0);
		}

		ChaosFailure failure(String what) {
			ChaosFailure failure = new ChaosFailure(what + " " + this.id);
			this.thrown.set(failure);
			return failure;
		}

		void end(@Nullable Object result) {
			this.endings.incrementAndGet();
			this.outcome.compareAndSet(null, result);
		}

		boolean settled() {
			return this.outcome.get() != null || this.disposed.get();
		}

	}

	static final class ChaosFailure extends RuntimeException {

		private static final long serialVersionUID = 1L;

		ChaosFailure(String message) {
			super(message);
		}

	}

	/**
	 * Interrupts a caller once, unless the caller disarmed it first.
	 */
	static final class Interrupter implements Runnable {

		private final Thread thread;

		private boolean armed = true;

		Interrupter(Thread thread) {
			this.thread = thread;
		}

		@Override
		public synchronized void run() {
			if (this.armed) {
				this.thread.interrupt();
			}
		}

		synchronized void disarm() {
			this.armed = false;
		}

	}

	/**
	 * Invocations in flight, observed by the methods themselves: entered when a method
	 * starts using its slot, left strictly before the slot can be given back.
	 */
	static final class Tracker {

		private final AtomicInteger current = new AtomicInteger();

		private final AtomicInteger max = new AtomicInteger();

		Span open() {
			this.max.accumulateAndGet(this.current.incrementAndGet(), Math::max);
			return new Span(this.current);
		}

		void reset() {
			this.max.set(0);
		}

		int current() {
			return this.current.get();
		}

		int max() {
			return this.max.get();
		}

	}

	static final class Span {

		private final AtomicInteger current;

		private final AtomicBoolean closed = new AtomicBoolean();

		Span(AtomicInteger current) {
			this.current = current;
		}

		void close() {
			if (this.closed.compareAndSet(false, true)) {
				this.current.decrementAndGet();
			}
		}

	}

	/**
	 * A method's future that leaves the tracker before it completes in any way, so that
	 * the limiter (which frees the slot on completion) never sees it first.
	 */
	static final class TrackedFuture extends CompletableFuture<String> {

		private final Span span;

		TrackedFuture(Span span) {
			this.span = span;
		}

		@Override
		public boolean complete(String value) {
			this.span.close();
			return super.complete(value);
		}

		@Override
		public boolean completeExceptionally(Throwable ex) {
			this.span.close();
			return super.completeExceptionally(ex);
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			this.span.close();
			return super.cancel(mayInterruptIfRunning);
		}

	}

	@Configuration
	static class Config {

		@Bean
		Tracker tracker() {
			return new Tracker();
		}

		@Bean(destroyMethod = "shutdownNow")
		ScheduledExecutorService chaosHelper() {
			return Executors.newScheduledThreadPool(2, (task) -> {
				Thread thread = new Thread(task, "chaos-helper");
				thread.setDaemon(true);
				return thread;
			});
		}

		@Bean
		Chaos chaos(Tracker tracker, ScheduledExecutorService chaosHelper) {
			return new Chaos(tracker, chaosHelper);
		}

	}

	/**
	 * Every public method shares the one limit "chaos".
	 */
	@Bounded(name = "chaos", value = LIMIT, maxWait = "15ms", maxQueued = 12)
	static class Chaos {

		private final Tracker tracker;

		private final ScheduledExecutorService completer;

		Chaos(Tracker tracker, ScheduledExecutorService completer) {
			this.tracker = tracker;
			this.completer = completer;
		}

		public String plain(Job job) {
			return runPlain(job);
		}

		@Timeout("6ms")
		public String plainTimed(Job job) {
			return runPlain(job);
		}

		public CompletableFuture<String> async(Job job) {
			return runAsync(job);
		}

		@Timeout("8ms")
		public CompletableFuture<String> asyncTimed(Job job) {
			return runAsync(job);
		}

		public Mono<String> mono(Job job) {
			job.invocations.incrementAndGet();
			return Mono.defer(() -> {
				Span span = this.tracker.open();
				return Mono.delay(Duration.ofNanos(job.holdMicros * 1000))
					.then(job.fail ? Mono.error(job.failure("planned")) : Mono.just("ok-" + job.id))
					.doOnTerminate(span::close)
					.doOnCancel(span::close);
			});
		}

		@Timeout("8ms")
		public Mono<String> monoTimed(Job job) {
			return mono(job);
		}

		public Flux<String> flux(Job job) {
			job.invocations.incrementAndGet();
			return Flux.defer(() -> {
				Span span = this.tracker.open();
				return Mono.delay(Duration.ofNanos(job.holdMicros * 1000))
					.flatMapMany((tick) -> job.fail ? Flux.concat(Flux.just("part"), Flux.error(job.failure("planned")))
							: Flux.just("part", "ok-" + job.id))
					.doOnTerminate(span::close)
					.doOnCancel(span::close);
			});
		}

		private String runPlain(Job job) {
			job.invocations.incrementAndGet();
			Span span = this.tracker.open();
			try {
				TimeUnit.MICROSECONDS.sleep(job.holdMicros);
				if (job.fail) {
					throw job.failure("planned");
				}
				return "ok-" + job.id;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw job.failure("interrupted");
			}
			finally {
				span.close();
			}
		}

		private CompletableFuture<String> runAsync(Job job) {
			job.invocations.incrementAndGet();
			Span span = this.tracker.open();
			if (job.fail && job.holdMicros % 2 == 0) {
				span.close();
				throw job.failure("planned synchronous");
			}
			TrackedFuture future = new TrackedFuture(span);
			Runnable finish = () -> {
				if (job.fail) {
					future.completeExceptionally(job.failure("planned"));
				}
				else {
					future.complete("ok-" + job.id);
				}
			};
			if (job.holdMicros == 0) {
				finish.run();
			}
			else {
				this.completer.schedule(finish, job.holdMicros, TimeUnit.MICROSECONDS);
			}
			return future;
		}

	}

}
