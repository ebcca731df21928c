package dev.asyncutils.redis;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import io.lettuce.core.ScriptOutputType;

import dev.asyncutils.backend.BackendSettings;
import dev.asyncutils.backend.FallbackShare;
import dev.asyncutils.backend.RemoteInstance;
import dev.asyncutils.core.Signals;
import org.jspecify.annotations.Nullable;

/**
 * What a throttle and a bounded instance in Redis share: the backend, the one key that
 * holds the instance's state (or the state of one key value of a keyed instance), the
 * instance's health, and its members: the processes that use it, each with an entry under
 * {@code <prefix>members:<kind>:<name>} (a sorted set scored by the entry's expiry, Redis
 * time) that it renews every {@link #MEMBERS_REFRESH_NANOS} off the calls' path and
 * removes when it stops. An entry not renewed for {@link #MEMBER_TTL_MICROS} is dropped.
 * The count and this process's rank among the live entries make its
 * {@link FallbackShare}, kept while Redis does not answer. The state of a key value
 * shares the instance's health, members and share.
 */
abstract class RedisInstance implements RemoteInstance {

	/** How often a process renews its member entry. */
	static final long MEMBERS_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(2);

	/** How long a member entry lives without renewal: five renewals. */
	static final long MEMBER_TTL_MICROS = TimeUnit.SECONDS.toMicros(10);

	private static final String MEMBER_TTL = Long.toString(MEMBER_TTL_MICROS);

	final RedisBackend backend;

	/** The instance's key, alone in an array, as scripts take their keys. */
	final String[] keys;

	final Health health;

	/** The key of the instance's members, alone in an array. */
	private final String[] members;

	private final long timeoutNanos;

	private volatile FallbackShare share = FallbackShare.UNKNOWN;

	/** The instance, for the state of one key value; {@code null} for the instance's. */
	private final @Nullable RedisInstance instance;

	RedisInstance(RedisBackend backend, String kind, String name, BackendSettings redis, BooleanSupplier closed) {
		this.backend = backend;
		this.keys = new String[] { redis.keyPrefix() + kind + ":" + name };
		this.members = new String[] { redis.keyPrefix() + "members:" + kind + ":" + name };
		this.timeoutNanos = redis.timeout().toNanos();
		this.health = new Health(kind, name, redis.onFailure(), closed);
		this.instance = null;
	}

	/**
	 * Create the state of one key of a keyed instance: its own Redis key,
	 * {@code <instance key>:key:<key value>}, and the instance's health.
	 * @param instance the instance
	 * @param key the key value
	 */
	RedisInstance(RedisInstance instance, String key) {
		this.backend = instance.backend;
		this.keys = new String[] { instance.keys[0] + ":key:" + key };
		this.health = instance.health;
		this.members = instance.members;
		this.timeoutNanos = instance.timeoutNanos;
		this.instance = instance;
	}

	/**
	 * Renew this process's member entry and learn the count and rank. Sent whatever the
	 * instance's health, and leaves it alone (the calls decide it); the last share
	 * learned is kept when no answer comes.
	 */
	void renewMember() {
		this.backend
			.<List<Object>>call(null, this.timeoutNanos,
					(commands) -> RedisBackend.MEMBERS.run(commands, ScriptOutputType.MULTI, this.members,
							this.backend.memberId(), MEMBER_TTL),
					null, true)
			.thenAccept((reply) -> {
				FallbackShare learned = new FallbackShare((int) (long) (Long) reply.get(0),
						(int) (long) (Long) reply.get(1));
				if (!learned.equals(this.share)) {
					this.share = learned;
				}
			});
	}

	/**
	 * Remove this process's member entry, at shutdown: the others' shares grow at their
	 * next renewal rather than after the entry's time to live.
	 * @return completes when Redis answered, or failed
	 */
	CompletableFuture<?> leave() {
		return this.backend.<Long>call(null, this.timeoutNanos,
				(commands) -> commands.zrem(this.members[0], this.backend.memberId()), null, true);
	}

	@Override
	public FallbackShare share() {
		RedisInstance instance = this.instance;
		return (instance != null) ? instance.share() : this.share;
	}

	@Override
	public boolean healthy() {
		return this.health.healthy();
	}

	@Override
	public void signals(Signals signals) {
		this.health.signals(signals);
	}

	@Override
	public long failureCount() {
		return this.health.failureCount();
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("key", this.keys[0]);
		described.put("members", this.share.members());
		return described;
	}

}
