package dev.asyncutils.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.lettuce.core.ScriptOutputType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.asyncutils.backend.BackendSettings;
import dev.asyncutils.bounded.BoundedSettings;
import dev.asyncutils.backend.RemoteBounded;

/**
 * The slots of a bounded instance in Redis: one sorted set of holder ids scored by the
 * expiry of their lease, in microseconds of the Redis server's clock. Taking a slot is
 * one Lua script (drop expired leases, then admit if fewer than the limit hold one);
 * giving it back is one {@code ZREM}. A renewal task extends the leases this process
 * still holds every third of the lease time, in one script for all of them; a process
 * that dies stops renewing, and its slots come back when their leases run out.
 *
 * <p>
 * Each key value of a keyed instance has slots of its own, the same way under
 * {@code <prefix>bounded:<name>:key:<key value>} ({@link #forKey(String)}); the
 * instance's renewal task renews the leases of every key whose slots this process holds,
 * one script per key, and forgets a key once it holds none of its slots here.
 */
final class RedisBounded extends RedisInstance implements RemoteBounded {

	private static final Log logger = LogFactory.getLog(RedisBounded.class);

	private final String name;

	private final String limit;

	private final String leaseMicros;

	private final long timeoutNanos;

	private final Set<String> held = ConcurrentHashMap.newKeySet();

	/**
	 * The instance's slots, for the slots of one key; {@code null} for the instance's
	 * own.
	 */
	private final @Nullable RedisBounded instance;

	/** The keys whose slots this process holds (or held until the last renewal). */
	private final Set<RedisBounded> holdingKeys = ConcurrentHashMap.newKeySet();

	private volatile int active;

	RedisBounded(RedisBackend backend, BoundedSettings settings, BooleanSupplier closed) {
		super(backend, "bounded", settings.name(), settings.backend(), closed);
		BackendSettings redis = settings.backend();
		Duration leaseTime = (redis.leaseTime() != null) ? redis.leaseTime() : BackendSettings.DEFAULT_LEASE_TIME;
		this.name = settings.name();
		this.limit = Integer.toString(settings.maxConcurrent());
		this.leaseMicros = Long.toString(TimeUnit.NANOSECONDS.toMicros(leaseTime.toNanos()));
		this.timeoutNanos = redis.timeout().toNanos();
		this.instance = null;
		long renewEvery = leaseTime.toNanos() / 3;
		backend.executor().scheduleWithFixedDelay(this::renewAll, renewEvery, renewEvery, TimeUnit.NANOSECONDS);
	}

	private RedisBounded(RedisBounded instance, String key) {
		super(instance, key);
		this.name = instance.name;
		this.limit = instance.limit;
		this.leaseMicros = instance.leaseMicros;
		this.timeoutNanos = instance.timeoutNanos;
		this.instance = instance;
	}

	@Override
	public RemoteBounded forKey(String key) {
		return new RedisBounded(this, key);
	}

	@Override
	public CompletableFuture<@Nullable String> tryAcquire(long timeoutNanos) {
		String holder = this.backend.newHolder();
		return this.backend.<List<Object>>call(this.health, timeoutNanos,
				(commands) -> RedisBackend.BOUNDED_ACQUIRE.run(commands, ScriptOutputType.MULTI, this.keys, this.limit,
						this.leaseMicros, holder),
				// taken after the caller stopped waiting for the answer: give it back
				(late) -> {
					if ((Long) late.get(0) == 1) {
						remove(holder);
					}
				})
			.thenApply((reply) -> {
				this.active = (int) (long) (Long) reply.get(1);
				if ((Long) reply.get(0) == 1) {
					this.held.add(holder);
					if (this.instance != null) {
						this.instance.holdingKeys.add(this);
					}
					return holder;
				}
				return null;
			});
	}

	@Override
	public void release(String holder) {
		if (this.held.remove(holder)) {
			remove(holder);
		}
	}

	private void remove(String holder) {
		// no answer needed: if it does not arrive, the lease runs out; sent even while
		// unhealthy, else a slot given back during a short stall stays held for its lease
		this.backend.<Long>call(this.health, this.timeoutNanos, (commands) -> commands.zrem(this.keys[0], holder), null,
				true);
	}

	/**
	 * Extend the leases of every slot this process holds, the instance's and its keys';
	 * forget the keys whose slots it no longer holds.
	 */
	private void renewAll() {
		renew();
		for (RedisBounded key : this.holdingKeys) {
			if (key.held.isEmpty()) {
				this.holdingKeys.remove(key);
				// a slot taken meanwhile announces itself again after adding its holder
				if (key.held.isEmpty()) {
					continue;
				}
				this.holdingKeys.add(key);
			}
			key.renew();
		}
	}

	/**
	 * Extend the leases of every slot of this instance or key that this process holds;
	 * forget the ones that ran out.
	 */
	private void renew() {
		if (this.held.isEmpty()) {
			return;
		}
		List<String> holders = new ArrayList<>(this.held);
		String[] args = new String[holders.size() + 1];
		args[0] = this.leaseMicros;
		for (int i = 0; i < holders.size(); i++) {
			args[i + 1] = holders.get(i);
		}
		this.backend
			.<List<Object>>call(this.health, this.timeoutNanos,
					(commands) -> RedisBackend.BOUNDED_RENEW.run(commands, ScriptOutputType.MULTI, this.keys, args),
					null, true)
			.thenAccept((reply) -> {
				this.active = (int) (long) (Long) reply.get(0);
				int lost = 0;
				for (Object holder : reply.subList(1, reply.size())) {
					// a holder released since the renewal was sent is not lost
					if (this.held.remove(holder.toString())) {
						lost++;
					}
				}
				if (lost > 0) {
					logger.warn("async-utils bounded '" + this.name + "': the lease of " + lost
							+ " slot(s) ran out before renewal (redis lost them, or this process paused longer "
							+ "than the lease time); their calls run on outside the limit");
				}
			});
	}

	/**
	 * Give back every slot this process still holds, at shutdown: the calls holding them
	 * had their chance to finish. One command for all of them.
	 * @return completes when Redis answered, or failed
	 */
	CompletableFuture<?> releaseAll() {
		List<CompletableFuture<?>> answers = new ArrayList<>();
		answers.add(releaseHeld());
		for (RedisBounded key : this.holdingKeys) {
			answers.add(key.releaseHeld());
		}
		return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new));
	}

	private CompletableFuture<?> releaseHeld() {
		if (this.held.isEmpty()) {
			return CompletableFuture.completedFuture(null);
		}
		List<String> holders = new ArrayList<>(this.held);
		this.held.removeAll(holders);
		return this.backend.<Long>call(this.health, this.timeoutNanos,
				(commands) -> commands.zrem(this.keys[0], holders.toArray(String[]::new)), null, true);
	}

	@Override
	public int active() {
		return this.active;
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> described = super.describe();
		described.put("heldHere", this.held.size());
		return described;
	}

}
