package dev.asyncutils.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

import dev.asyncutils.backend.BackendStoppedException;
import dev.asyncutils.backend.BackendUnavailableException;
import dev.asyncutils.backend.BoundedBackend;
import dev.asyncutils.bounded.BoundedSettings;
import dev.asyncutils.backend.RemoteBounded;
import dev.asyncutils.backend.RemoteThrottle;
import dev.asyncutils.backend.ThrottleBackend;
import dev.asyncutils.throttle.ThrottleSettings;

/**
 * The Redis backend of {@code @Throttle} and {@code @Bounded}: one connection of its own,
 * opened from the Lettuce client Spring Boot built from {@code spring.data.redis.*} (same
 * servers, credentials, TLS and client resources), used through Lettuce's asynchronous
 * API only. The connection is opened when the first instance with {@code backend: redis}
 * is created, in the background: an application starts while Redis is down (its calls
 * follow their failure mode until Redis answers). After that, Lettuce reconnects by
 * itself.
 *
 * <p>
 * One daemon thread ({@code async-utils-redis}) runs command timeouts, connection
 * attempts and lease renewals. On shutdown the backend stops just before Spring Boot's
 * connection factory (lifecycle phase one above it): renewals end, the connection closes,
 * and calls still arriving follow their failure mode without logging an outage.
 */
public class RedisBackend implements ThrottleBackend, BoundedBackend, SmartLifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(RedisBackend.class);

	static final LuaScript THROTTLE = new LuaScript("throttle.lua");

	static final LuaScript BOUNDED_ACQUIRE = new LuaScript("bounded-acquire.lua");

	static final LuaScript BOUNDED_RENEW = new LuaScript("bounded-renew.lua");

	static final LuaScript MEMBERS = new LuaScript("members.lua");

	private final Supplier<AbstractRedisClient> client;

	private final ScheduledThreadPoolExecutor executor;

	/** Prefix of the holder ids of this backend's slots: unique per process. */
	private final String holderPrefix = UUID.randomUUID().toString().substring(0, 13) + ":";

	private final AtomicInteger holders = new AtomicInteger();

	private final List<RedisBounded> bounded = new CopyOnWriteArrayList<>();

	private final List<RedisInstance> instances = new CopyOnWriteArrayList<>();

	private final AtomicBoolean connecting = new AtomicBoolean();

	private final CompletableFuture<Void> firstAttempt = new CompletableFuture<>();

	private volatile @Nullable StatefulConnection<String, String> connection;

	private volatile @Nullable RedisClusterAsyncCommands<String, String> commands;

	private volatile boolean closed;

	private volatile boolean running;

	private final int phase;

	/**
	 * Create the backend.
	 * @param client supplies the Lettuce client (a {@link RedisClient} or a
	 * {@link RedisClusterClient}); asked when the first instance needs Redis
	 */
	public RedisBackend(Supplier<AbstractRedisClient> client) {
		this(client, 1);
	}

	/**
	 * Create the backend.
	 * @param client supplies the Lettuce client (a {@link RedisClient} or a
	 * {@link RedisClusterClient}); asked when the first instance needs Redis
	 * @param phase the lifecycle phase: above the connection factory's, so that this
	 * backend stops first
	 */
	public RedisBackend(Supplier<AbstractRedisClient> client, int phase) {
		this.client = client;
		this.phase = phase;
		this.executor = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "async-utils-redis");
			thread.setDaemon(true);
			return thread;
		});
		this.executor.setRemoveOnCancelPolicy(true);
	}

	@Override
	public RemoteThrottle throttle(ThrottleSettings settings) {
		connect();
		return member(new RedisThrottle(this, settings, this::isClosed));
	}

	@Override
	public RemoteBounded bounded(BoundedSettings settings) {
		connect();
		RedisBounded instance = new RedisBounded(this, settings, this::isClosed);
		this.bounded.add(instance);
		return member(instance);
	}

	/**
	 * Count this process among the members of an instance from now on: its entry is
	 * renewed in the background until the backend stops.
	 */
	private <T extends RedisInstance> T member(T instance) {
		this.instances.add(instance);
		this.executor.scheduleWithFixedDelay(instance::renewMember, 0, RedisInstance.MEMBERS_REFRESH_NANOS,
				TimeUnit.NANOSECONDS);
		return instance;
	}

	/**
	 * Return the id of this process among the members of an instance.
	 * @return an id unique per process (per backend)
	 */
	String memberId() {
		return this.holderPrefix;
	}

	String newHolder() {
		return this.holderPrefix + this.holders.incrementAndGet();
	}

	ScheduledThreadPoolExecutor executor() {
		return this.executor;
	}

	/**
	 * Send a command for one instance, within a timeout, keeping its health.
	 * @param <T> the answer type
	 * @param health the instance's health
	 * @param timeoutNanos the longest the answer may take
	 * @param command sends the command
	 * @param late receives an answer that came after the timeout (to undo its effect)
	 * @return the answer, or exceptionally {@link BackendUnavailableException}
	 */
	<T> CompletableFuture<T> call(Health health, long timeoutNanos,
			Function<RedisClusterAsyncCommands<String, String>, CompletionStage<T>> command,
			@Nullable Consumer<T> late) {
		return call(health, timeoutNanos, command, late, false);
	}

	/**
	 * Send a command for one instance, within a timeout, keeping its health.
	 * @param <T> the answer type
	 * @param health the instance's health; {@code null} for a command whose outcome says
	 * nothing to the calls (the renewal of a member entry), sent whatever the health
	 * @param timeoutNanos the longest the answer may take
	 * @param command sends the command
	 * @param late receives an answer that came after the timeout (to undo its effect)
	 * @param evenIfUnhealthy send it even while the instance is unhealthy: for commands
	 * whose loss holds a slot until its lease runs out (giving a slot back, renewing
	 * leases), which no later call would repeat
	 * @return the answer, or exceptionally {@link BackendUnavailableException}
	 */
	<T> CompletableFuture<T> call(@Nullable Health health, long timeoutNanos,
			Function<RedisClusterAsyncCommands<String, String>, CompletionStage<T>> command, @Nullable Consumer<T> late,
			boolean evenIfUnhealthy) {
		if (!evenIfUnhealthy && this.closed) {
			return CompletableFuture.failedFuture(new BackendStoppedException("the redis backend is stopped"));
		}
		if (!evenIfUnhealthy && health != null && !health.shouldAsk()) {
			return CompletableFuture.failedFuture(new BackendUnavailableException(health.unhealthyFor()));
		}
		long sentAt = System.nanoTime();
		RedisClusterAsyncCommands<String, String> commands = this.commands;
		if (commands == null) {
			BackendUnavailableException ex = new BackendUnavailableException("not connected to redis");
			if (health != null) {
				health.failed(ex, sentAt);
			}
			return CompletableFuture.failedFuture(ex);
		}
		CompletableFuture<T> result = new CompletableFuture<>();
		ScheduledFuture<?> timer;
		try {
			timer = this.executor.schedule(() -> {
				BackendUnavailableException ex = new BackendUnavailableException(
						"no answer from redis within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms");
				if (result.completeExceptionally(ex) && health != null) {
					health.failed(ex, sentAt);
				}
			}, timeoutNanos, TimeUnit.NANOSECONDS);
		}
		catch (RejectedExecutionException ex) {
			// stopped: never throw at a caller (a slot given back from a finally block or
			// a
			// completion callback), and send nothing that no timer would end
			return CompletableFuture.failedFuture(new BackendStoppedException("the redis backend is stopped"));
		}
		CompletionStage<T> sent;
		try {
			sent = command.apply(commands);
		}
		catch (RuntimeException ex) {
			sent = CompletableFuture.failedFuture(ex);
		}
		sent.whenComplete((value, failure) -> {
			timer.cancel(false);
			if (failure != null) {
				BackendUnavailableException ex = new BackendUnavailableException("redis failed: " + failure, failure);
				if (result.completeExceptionally(ex) && health != null) {
					health.failed(ex, sentAt);
				}
			}
			else if (result.complete(value)) {
				if (health != null) {
					health.succeeded();
				}
			}
			else {
				if (health != null) {
					health.succeeded();
				}
				if (late != null) {
					late.accept(value);
				}
			}
		});
		return result;
	}

	/**
	 * Start connecting, once; wait a little for the first attempt so that an application
	 * whose Redis is up has its connection before its first call.
	 */
	private void connect() {
		if (this.connecting.compareAndSet(false, true)) {
			this.executor.execute(this::attemptConnection);
		}
		try {
			this.firstAttempt.get(2, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			// still trying in the background
		}
	}

	private void attemptConnection() {
		if (this.closed) {
			return;
		}
		try {
			AbstractRedisClient client = this.client.get();
			if (client instanceof RedisClusterClient cluster) {
				StatefulRedisClusterConnection<String, String> connection = cluster.connect(StringCodec.UTF8);
				this.connection = connection;
				this.commands = connection.async();
			}
			else if (client instanceof RedisClient standalone) {
				StatefulRedisConnection<String, String> connection = standalone.connect(StringCodec.UTF8);
				this.connection = connection;
				this.commands = connection.async();
			}
			else {
				throw new IllegalStateException("Unsupported Lettuce client " + client.getClass().getName());
			}
			logger.debug("async-utils connected to redis");
		}
		catch (RuntimeException ex) {
			if (!this.firstAttempt.isDone()) {
				logger.warn("async-utils cannot connect to redis yet (" + ex.getMessage()
						+ "); instances with backend redis follow their on-failure mode until it answers; "
						+ "retrying every second");
			}
			if (!this.closed) {
				this.executor.schedule(this::attemptConnection, 1, TimeUnit.SECONDS);
			}
		}
		finally {
			this.firstAttempt.complete(null);
		}
	}

	/**
	 * Remove from Redis every slot this process still holds and its member entries,
	 * waiting for the answers (at most a command timeout each, in parallel), so that no
	 * slot of a process that is gone stays held until its lease runs out, and the other
	 * processes' shares grow at once.
	 */
	private void releaseHeldSlots() {
		List<CompletableFuture<?>> answers = new ArrayList<>();
		for (RedisBounded instance : this.bounded) {
			answers.add(instance.releaseAll());
		}
		for (RedisInstance instance : this.instances) {
			answers.add(instance.leave());
		}
		try {
			CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (Exception ex) {
			logger.debug("async-utils: some slots could not be removed from redis at shutdown; their leases run out",
					ex);
		}
	}

	boolean isClosed() {
		return this.closed;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		destroy();
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return this.phase;
	}

	@Override
	public void destroy() {
		if (this.closed) {
			return;
		}
		this.closed = true;
		releaseHeldSlots();
		this.executor.shutdownNow();
		StatefulConnection<String, String> connection = this.connection;
		// Spring Boot's factory may have shut its client (and so this connection) down
		// first
		if (connection != null && connection.isOpen()) {
			connection.close();
		}
	}

}
