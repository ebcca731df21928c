package dev.asyncutils.debounce;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.ArgumentExpression;
import dev.asyncutils.core.Call;
import dev.asyncutils.core.Failures;
import dev.asyncutils.core.Invoker;
import dev.asyncutils.core.ReturnKind;
import dev.asyncutils.core.Stages;

/**
 * The debouncer of one method: the keys with calls waiting for their quiet period to
 * pass, and the runs in progress (so that runs for one key never overlap). An entry
 * exists only while a key has calls waiting or a run in progress; the timer only keeps
 * time, and every run goes to the application task executor.
 */
final class Debouncer implements Invoker {

	private static final Log logger = LogFactory.getLog(Debouncer.class);

	/** The key of unkeyed calls, and of calls whose key evaluates to {@code null}. */
	private static final Object NO_KEY = new Object();

	private final DebounceSettings settings;

	private final String description;

	private final @Nullable ArgumentExpression key;

	private final Invoker next;

	private final ReturnKind kind;

	private final ScheduledExecutorService timer;

	private final Executor executor;

	private final DebounceStats stats;

	private final long delayNanos;

	private final long maxWaitNanos;

	private final ConcurrentHashMap<Object, Pending> pending = new ConcurrentHashMap<>();

	private final ConcurrentHashMap<Object, Run> running = new ConcurrentHashMap<>();

	private volatile boolean stopped;

	Debouncer(DebounceSettings settings, String description, @Nullable ArgumentExpression key, Invoker next,
			ReturnKind kind, ScheduledExecutorService timer, Executor executor, DebounceStats stats) {
		this.settings = settings;
		this.description = description;
		this.key = key;
		this.next = next;
		this.kind = kind;
		this.timer = timer;
		this.executor = executor;
		this.stats = stats;
		this.delayNanos = settings.delayNanos();
		this.maxWaitNanos = settings.maxWaitNanos();
	}

	@Override
	public @Nullable Object invoke(Call call) {
		if (this.kind == ReturnKind.MONO) {
			return ReactiveDebounce.mono(this, call);
		}
		if (this.kind == ReturnKind.COMPLETION_STAGE) {
			CompletableFuture<@Nullable Object> outcome = new CompletableFuture<>();
			arrive(call, outcome);
			return outcome;
		}
		arrive(call, null);
		return null;
	}

	/**
	 * A call arrives: it joins its key's pending run, or starts one.
	 * @param call the call, whose arguments the run uses if it stays the last one
	 * @param outcome completed with the run's outcome, {@code null} for {@code void}
	 */
	void arrive(Call call, @Nullable CompletableFuture<@Nullable Object> outcome) {
		this.stats.called();
		Object key = key(call);
		long now = System.nanoTime();
		Pending joined = this.pending.compute(key, (k, pending) -> {
			if (pending == null) {
				pending = new Pending(k, now, this.running.get(k));
				this.stats.keyPending();
				if (!this.stopped) {
					pending.schedule(this.delayNanos);
				}
			}
			pending.join(call, now, outcome);
			return pending;
		});
		if (this.stopped) {
			// closing: nothing waits any more
			joined.fire(true);
		}
	}

	private Object key(Call call) {
		ArgumentExpression key = this.key;
		if (key == null) {
			return NO_KEY;
		}
		Object value = key.evaluate(call.arguments());
		return (value != null) ? value : NO_KEY;
	}

	/**
	 * Start every pending run now: the context is closing.
	 * @return completes when those runs (and any they wait for) ended
	 */
	CompletableFuture<Void> flush() {
		this.stopped = true;
		List<CompletableFuture<Void>> runs = new ArrayList<>();
		for (Pending pending : this.pending.values()) {
			Run run = pending.fire(true);
			if (run != null) {
				runs.add(run.done);
			}
		}
		this.running.values().forEach((run) -> runs.add(run.done));
		return CompletableFuture.allOf(runs.toArray(new CompletableFuture<?>[0]));
	}

	int pendingKeys() {
		return this.pending.size();
	}

	int runningKeys() {
		return this.running.size();
	}

	/**
	 * The calls of one key waiting for their quiet period to pass.
	 */
	private final class Pending implements Runnable {

		private final Object key;

		private final long first;

		private final @Nullable Run previous;

		private @Nullable Call last;

		private long lastArrival;

		private @Nullable List<CompletableFuture<@Nullable Object>> outcomes;

		Pending(Object key, long first, @Nullable Run previous) {
			this.key = key;
			this.first = first;
			this.previous = previous;
		}

		/** Called under the map's lock for this key. */
		void join(Call call, long now, @Nullable CompletableFuture<@Nullable Object> outcome) {
			this.last = call;
			this.lastArrival = now;
			if (outcome != null) {
				if (this.outcomes == null) {
					this.outcomes = new ArrayList<>(2);
				}
				this.outcomes.add(outcome);
			}
		}

		void schedule(long delayNanos) {
			try {
				Debouncer.this.timer.schedule(this, delayNanos, TimeUnit.NANOSECONDS);
			}
			catch (RejectedExecutionException ex) {
				// the scheduler stopped: the run starts at once instead
				Debouncer.this.executor.execute(() -> fire(true));
			}
		}

		/** The timer fired. */
		@Override
		public void run() {
			fire(false);
		}

		/**
		 * Start the run if it is due (or {@code force}d), else wait again.
		 * @return the run started, {@code null} if none
		 */
		@Nullable Run fire(boolean force) {
			Run[] started = new Run[1];
			Debouncer.this.pending.computeIfPresent(this.key, (k, pending) -> {
				if (pending != this) {
					return pending;
				}
				long now = System.nanoTime();
				long quiet = this.lastArrival + Debouncer.this.delayNanos - now;
				long bound = (Debouncer.this.maxWaitNanos == Long.MAX_VALUE) ? Long.MAX_VALUE
						: this.first + Debouncer.this.maxWaitNanos - now;
				long wait = Math.min(quiet, bound);
				if (!force && !Debouncer.this.stopped && wait > 0) {
					schedule(wait);
					return this;
				}
				Run run = new Run(k, this);
				Debouncer.this.running.put(k, run);
				started[0] = run;
				return null;
			});
			Run run = started[0];
			if (run != null) {
				Debouncer.this.stats.runStarted();
				run.startAfter(this.previous);
			}
			return run;
		}

	}

	/**
	 * One run of the chain below, for the coalesced calls of one key.
	 */
	private final class Run implements Runnable {

		private final Object key;

		private final Call call;

		private final @Nullable List<CompletableFuture<@Nullable Object>> outcomes;

		final CompletableFuture<Void> done = new CompletableFuture<>();

		Run(Object key, Pending pending) {
			this.key = key;
			this.call = java.util.Objects.requireNonNull(pending.last);
			this.outcomes = pending.outcomes;
		}

		void startAfter(@Nullable Run previous) {
			if (previous == null || previous.done.isDone()) {
				submit();
			}
			else {
				previous.done.whenComplete((ignored, failure) -> submit());
			}
		}

		private void submit() {
			try {
				Debouncer.this.executor.execute(this);
			}
			catch (RejectedExecutionException ex) {
				// the executor stopped before us: run here rather than drop it
				run();
			}
		}

		@Override
		public void run() {
			try {
				switch (Debouncer.this.kind) {
					case COMPLETION_STAGE -> Stages.invoke(Debouncer.this.next, this.call)
						.whenComplete((value, failure) -> finish(value, failure));
					case MONO -> ReactiveDebounce.subscribe(Debouncer.this.next, this.call)
						.whenComplete((value, failure) -> finish(value, failure));
					default -> {
						Debouncer.this.next.invoke(this.call);
						finish(null, null);
					}
				}
			}
			catch (Throwable ex) {
				finish(null, ex);
			}
		}

		private void finish(@Nullable Object value, @Nullable Throwable failure) {
			Throwable cause = (failure != null) ? Failures.unwrap(failure) : null;
			List<CompletableFuture<@Nullable Object>> outcomes = this.outcomes;
			if (outcomes != null) {
				for (CompletableFuture<@Nullable Object> outcome : outcomes) {
					if (cause != null) {
						outcome.completeExceptionally(cause);
					}
					else {
						outcome.complete(value);
					}
				}
			}
			else if (cause != null) {
				logger.warn("async-utils: debounced run of " + Debouncer.this.description + " (instance '"
						+ Debouncer.this.settings.name() + "') failed", cause);
			}
			Debouncer.this.running.remove(this.key, this);
			this.done.complete(null);
		}

	}

}
