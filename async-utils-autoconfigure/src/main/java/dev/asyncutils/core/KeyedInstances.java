package dev.asyncutils.core;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Function;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import org.jspecify.annotations.Nullable;

/**
 * The instances of one keyed instance ({@code @Throttle(key = ...)},
 * {@code @Bounded(key = ...)}): one per distinct key value, each with the instance's
 * settings, at most {@code max-keys} at once.
 *
 * <p>
 * Memory follows the keys in use: an entry is forgotten only when forgetting it changes
 * nothing (a bucket that is full again, a limit that nobody holds or waits for), about a
 * second after that. A key beyond {@code max-keys} gets no instance ({@link #get} answers
 * {@code null}, and the caller rejects the call); it is never admitted without a limit.
 *
 * <p>
 * The entries live in a Caffeine cache whose per-entry expiry is the time until the entry
 * is idle plus a grace period, from its creation. A call finds its key's entry in a plain
 * map that mirrors the cache (a look-up without a clock read: on this path a clock read
 * costs more than the rest of the look-up), so a use does not renew the expiry. When an
 * entry expires, it leaves the mirror and is {@linkplain Retirable#retire() retired} if
 * it is idle: from then on every use of it fails and looks the key up again, so no caller
 * can take from an entry that was forgotten, and the fresh entry that replaces it admits
 * what the forgotten one would have. An entry that expires while still in use (busy, or a
 * caller that looked it up but has not used it yet) cannot retire; it is then kept aside,
 * handed back to the next caller of its key with a fresh expiry, and retired later, once
 * idle. A key in constant use thus costs one look-up under the cache's lock per grace
 * period.
 *
 * @param <I> the instance type
 */
public final class KeyedInstances<I extends KeyedInstances.Retirable> {

	/** How long an idle entry is kept before it is forgotten. */
	public static final Duration GRACE = Duration.ofSeconds(1);

	private static final int UNSCHEDULED_EXPIRY_SAMPLE = 63;

	private final long graceNanos;

	private final int maxKeys;

	private final Function<Object, I> factory;

	private final Cache<Object, I> cache;

	/**
	 * The cache's entries, for the look-ups of calls: written only under the cache's lock
	 * of the key (when an entry is created or evicted), read without one.
	 */
	private final Map<Object, I> live = new ConcurrentHashMap<>();

	/** Entries that expired while still in use, by key. */
	private final Map<Object, I> aside = new ConcurrentHashMap<>();

	private final AtomicInteger held = new AtomicInteger();

	private final AtomicBoolean sweepScheduled = new AtomicBoolean();

	/**
	 * When a look-up may next retire the idle entries kept aside (on the clock): at most
	 * once a grace period, so that a flood of calls with new keys beyond max-keys does
	 * not walk all of them every time.
	 */
	private volatile long nextAsideSweep;

	/**
	 * The cache's maintenance (expiry) that a look-up asked for, run by the scheduler if
	 * there is one, and at the start of the next look-up rather than at the end of this
	 * one: run at the end, it could retire the instance the look-up is about to hand back
	 * (when the clock passed the grace period during the look-up), and its caller would
	 * go from successor to successor.
	 */
	private final AtomicReference<@Nullable Runnable> maintenance = new AtomicReference<>();

	private final LongSupplier clock;

	private final @Nullable ScheduledExecutorService scheduler;

	/**
	 * Create the keyed instances of one instance.
	 * @param maxKeys the most keys held at once
	 * @param factory creates the instance of a new key, given the key
	 * @param clock the clock of the instances ({@link System#nanoTime()}-like)
	 * @param scheduler runs the expiry of idle entries, {@code null} to expire them only
	 * while the instance is in use
	 */
	public KeyedInstances(int maxKeys, Function<Object, I> factory, LongSupplier clock,
			@Nullable ScheduledExecutorService scheduler) {
		this(maxKeys, factory, clock, scheduler, GRACE);
	}

	KeyedInstances(int maxKeys, Function<Object, I> factory, LongSupplier clock,
			@Nullable ScheduledExecutorService scheduler, Duration grace) {
		this.maxKeys = maxKeys;
		this.factory = factory;
		this.clock = clock;
		this.scheduler = scheduler;
		this.graceNanos = grace.toNanos();
		this.nextAsideSweep = clock.getAsLong();
		Caffeine<Object, I> builder = Caffeine.newBuilder()
			.ticker(clock::getAsLong)
			.executor(this::maintain)
			.<Object, I>evictionListener(this::evicted)
			.expireAfter(new IdleExpiry());
		if (scheduler != null) {
			// the timed expiry runs on the scheduler's thread, not deferred to a look-up
			Scheduler timed = Scheduler.forScheduledExecutorService(scheduler);
			builder.scheduler((executor, command, delay, unit) -> timed.schedule(Runnable::run, command, delay, unit));
		}
		this.cache = builder.build();
	}

	/**
	 * Return the instance of a key, creating it if the key is new.
	 * @param key the key value
	 * @return the instance, or {@code null} if the key is new and {@code max-keys} keys
	 * are held already
	 */
	public @Nullable I get(Object key) {
		if (this.scheduler == null && (ThreadLocalRandom.current().nextInt() & UNSCHEDULED_EXPIRY_SAMPLE) == 0) {
			// nothing else runs the expiry of an instance without a scheduler whose
			// calls all find their entry: one look-up in 64 does, before it looks up (so
			// that it never retires the entry it is about to hand back), and retires the
			// entries kept aside that are idle now
			this.cache.cleanUp();
			retireIdleAsideNow();
		}
		runMaintenance();
		I instance = this.live.get(key);
		if (instance != null) {
			return instance;
		}
		instance = this.cache.get(key, this::create);
		if (instance != null) {
			return instance;
		}
		// max-keys reached: forget what is due first (without a scheduler, or when only
		// calls with new keys arrive, nothing else runs the expiry), retire what was
		// kept aside and is idle now, then try once more
		this.cache.cleanUp();
		retireIdleAsideNow();
		return this.cache.get(key, this::create);
	}

	/**
	 * Take the cache's maintenance: run by the next look-up, or by the scheduler if there
	 * is one (the maintenance arms the timed expiry: deferred to a look-up only, a key
	 * whose calls stopped would never be forgotten).
	 */
	private void maintain(Runnable task) {
		this.maintenance.set(task);
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler != null) {
			try {
				// scheduled rather than executed: never run by the look-up that asked
				// for it, even when the scheduler's executor runs tasks on the caller
				scheduler.schedule(this::runMaintenance, 0, TimeUnit.NANOSECONDS);
			}
			catch (RuntimeException ex) {
				// shutting down: the next look-up runs it
			}
		}
	}

	private void runMaintenance() {
		if (this.maintenance.get() != null) {
			Runnable task = this.maintenance.getAndSet(null);
			if (task != null) {
				task.run();
			}
		}
	}

	/**
	 * Create the entry of a key (under the cache's lock of the key): the one kept aside,
	 * else a new one within {@code max-keys}.
	 */
	private @Nullable I create(Object key) {
		I instance = this.aside.remove(key);
		if (instance == null) {
			instance = newInstance(key);
			if (instance == null) {
				return null;
			}
		}
		this.live.put(key, instance);
		return instance;
	}

	private @Nullable I newInstance(Object key) {
		while (true) {
			int held = this.held.get();
			if (held >= this.maxKeys) {
				return null;
			}
			if (this.held.compareAndSet(held, held + 1)) {
				return this.factory.apply(key);
			}
		}
	}

	/**
	 * An entry expired (under the cache's lock of the key): callers stop finding it, then
	 * it retires, or waits aside if it is still in use.
	 */
	private void evicted(@Nullable Object key, @Nullable I instance, RemovalCause cause) {
		if (key == null || instance == null) {
			return;
		}
		// first out of the mirror: a caller that finds no entry looks it up under the
		// lock we hold, and so never meets this one retired
		this.live.remove(key, instance);
		if (instance.retire()) {
			this.held.decrementAndGet();
			return;
		}
		// still in use: keep it for the next caller of its key, retire it once idle
		this.aside.put(key, instance);
		scheduleSweep();
	}

	private void scheduleSweep() {
		ScheduledExecutorService scheduler = this.scheduler;
		if (scheduler != null && this.sweepScheduled.compareAndSet(false, true)) {
			try {
				scheduler.schedule(this::sweep, this.graceNanos, TimeUnit.NANOSECONDS);
			}
			catch (RuntimeException ex) {
				this.sweepScheduled.set(false);
			}
		}
	}

	/**
	 * Retire the entries kept aside that are idle now. Each one is retired under its
	 * key's lock in the cache, so that no caller of the key takes it back at the same
	 * time.
	 */
	void sweep() {
		this.sweepScheduled.set(false);
		retireIdleAside();
		if (!this.aside.isEmpty()) {
			scheduleSweep();
		}
	}

	/**
	 * Retire the entries kept aside that are idle now, on a look-up that runs the expiry
	 * (without a scheduler, nothing else does), at most once a grace period.
	 */
	private void retireIdleAsideNow() {
		if (this.aside.isEmpty()) {
			return;
		}
		long now = this.clock.getAsLong();
		long next = this.nextAsideSweep;
		if (now - next >= 0) {
			this.nextAsideSweep = now + this.graceNanos;
			retireIdleAside();
		}
	}

	/**
	 * Retire the entries kept aside that are idle now.
	 */
	private void retireIdleAside() {
		for (Object key : this.aside.keySet()) {
			this.cache.asMap().compute(key, (k, current) -> {
				I instance = this.aside.get(k);
				if (instance != null && instance.retire()) {
					this.aside.remove(k);
					this.held.decrementAndGet();
				}
				return current;
			});
		}
	}

	/**
	 * Return how many keys are held: in use, or not yet idle.
	 * @return the keys held
	 */
	public int size() {
		return this.held.get();
	}

	/**
	 * Apply an action to every instance held now: those in use or not yet idle, and those
	 * that expired while still in use.
	 * @param action the action
	 */
	public void forEach(Consumer<? super I> action) {
		// the mirror, not the cache: the cache's views skip an entry that expired and was
		// not evicted yet, which may still be in use
		this.live.values().forEach(action);
		this.aside.values().forEach(action);
	}

	/**
	 * Return the most keys held at once.
	 * @return max-keys
	 */
	public int maxKeys() {
		return this.maxKeys;
	}

	/**
	 * Run pending expiry now (for tests).
	 */
	void cleanUp() {
		runMaintenance();
		this.cache.cleanUp();
	}

	/**
	 * Return the instances held now, by key (a snapshot, for tests and diagnostics).
	 * @return the instances
	 */
	public Map<Object, I> snapshot() {
		return Map.copyOf(this.cache.asMap());
	}

	@Override
	public String toString() {
		return "KeyedInstances (" + this.held.get() + " of at most " + this.maxKeys + " keys)";
	}

	/**
	 * An instance that can be forgotten once forgetting it changes nothing.
	 */
	public interface Retirable {

		/**
		 * Return how long until forgetting this instance would change nothing.
		 * @return nanoseconds, 0 if idle now; a busy instance with no known end answers 0
		 * and refuses to {@link #retire()}
		 */
		long nanosUntilIdle();

		/**
		 * Retire this instance if it is idle: from then on every use of it fails, so that
		 * its callers look the key up again and get a fresh instance.
		 * @return {@code true} if it is (now or already) retired, {@code false} if it is
		 * still in use
		 */
		boolean retire();

	}

	private final class IdleExpiry implements Expiry<Object, I> {

		private long expiry(I instance) {
			long idle = instance.nanosUntilIdle();
			long grace = KeyedInstances.this.graceNanos;
			return (idle > Long.MAX_VALUE / 2 - grace) ? Long.MAX_VALUE / 2 : Math.max(0, idle) + grace;
		}

		@Override
		public long expireAfterCreate(Object key, I instance, long currentTime) {
			return expiry(instance);
		}

		@Override
		public long expireAfterUpdate(Object key, I instance, long currentTime, long currentDuration) {
			return expiry(instance);
		}

		@Override
		public long expireAfterRead(Object key, I instance, long currentTime, long currentDuration) {
			return expiry(instance);
		}

	}

}
