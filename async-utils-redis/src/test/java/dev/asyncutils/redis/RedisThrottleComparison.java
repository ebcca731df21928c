package dev.asyncutils.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.backend.Backend;
import dev.asyncutils.backend.BackendSettings;
import dev.asyncutils.backend.OnFailure;
import dev.asyncutils.backend.RemoteThrottle;
import dev.asyncutils.throttle.ThrottleSettings;

/**
 * Measures our Redis throttle (one Lua script per permit) against Bucket4j's Lettuce
 * integration (compare-and-swap: read the state, compute, write it back if unchanged) on
 * one hot key shared by several clients (separate connections, as separate JVMs), each
 * with several threads calling "take a permit if one is free now" in a loop. Reports
 * calls per second, Redis commands sent (round trips) per call and per permit, counted by
 * a Lettuce command listener on every client, latency, and admissions against the bound
 * {@code burst + rate * elapsed}. Commands a script runs inside Redis are not round trips
 * and are not counted.
 *
 * <p>
 * Run: {@code ./mvnw -q -pl async-utils-redis test-compile exec:java} is not wired; use
 * {@code java -cp "$(cat target/test-classpath.txt):target/classes:target/test-classes"
 * dev.asyncutils.redis.RedisThrottleComparison [seconds] [clients] [threads]} (see
 * benchmarks/RESULTS.md for the command and the numbers).
 */
public final class RedisThrottleComparison {

	private RedisThrottleComparison() {
	}

	public static void main(String[] args) throws Exception {
		int seconds = (args.length > 0) ? Integer.parseInt(args[0]) : 5;
		int clients = (args.length > 1) ? Integer.parseInt(args[1]) : 4;
		int threads = (args.length > 2) ? Integer.parseInt(args[2]) : 4;
		try (RedisServer server = RedisServer.start()) {
			RedisURI uri = RedisURI.create("127.0.0.1", server.port());
			System.out.printf(Locale.ROOT, "one hot key, %d clients x %d threads, %d s per run, redis %s%n", clients,
					threads, seconds, uri);
			System.out.printf(Locale.ROOT, "%-10s %-26s %10s %10s %12s %12s %9s %9s %10s%n", "impl", "limit", "calls/s",
					"permits", "bound", "over-admit", "cmd/call", "cmd/perm", "mean µs");
			perCall(server);
			for (double rate : new double[] { 1_000, 1_000_000 }) {
				int burst = (rate > 10_000) ? 1_000_000 : 50;
				for (String impl : List.of("lua", "bucket4j", "lua", "bucket4j")) {
					run(impl, uri, rate, burst, clients, threads, seconds);
				}
			}
		}
	}

	/**
	 * The cost of one guarded call through the proxy, one caller thread, limits never
	 * reached: local against redis backends.
	 */
	private static void perCall(RedisServer server) throws Exception {
		for (String backend : List.of("local", "redis", "local", "redis")) {
			try (ConfigurableApplicationContext context = new SpringApplicationBuilder(RedisTestSupport.RedisApp.class,
					Guarded.class)
				.web(WebApplicationType.NONE)
				.logStartupInfo(false)
				.properties("spring.data.redis.host=127.0.0.1", "spring.data.redis.port=" + server.port(),
						"async-utils.throttle.defaults.backend=" + backend,
						"async-utils.bounded.defaults.backend=" + backend, "logging.level.root=warn",
						"spring.main.banner-mode=off")
				.run()) {
				Guarded guarded = context.getBean(Guarded.class);
				System.out.printf(Locale.ROOT,
						"per call, %-5s backend: @Throttle plain %6.1f µs, stage %6.1f µs; "
								+ "@Bounded plain %6.1f µs, stage %6.1f µs%n",
						backend, time(guarded::throttled), time(() -> guarded.throttledStage().join()),
						time(guarded::bounded), time(() -> guarded.boundedStage().join()));
			}
		}
	}

	private static double time(Runnable call) {
		long warm = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
		while (System.nanoTime() < warm) {
			call.run();
		}
		long calls = 0;
		long begin = System.nanoTime();
		long end = begin + TimeUnit.SECONDS.toNanos(2);
		while (System.nanoTime() < end) {
			call.run();
			calls++;
		}
		return (System.nanoTime() - begin) / 1e3 / calls;
	}

	static class Guarded {

		@Throttle(name = "t", rate = 1_000_000_000)
		public void throttled() {
		}

		@Throttle(name = "t", rate = 1_000_000_000)
		public CompletableFuture<Void> throttledStage() {
			return CompletableFuture.completedFuture(null);
		}

		@Bounded(name = "b", value = 1000)
		public void bounded() {
		}

		@Bounded(name = "b", value = 1000)
		public CompletableFuture<Void> boundedStage() {
			return CompletableFuture.completedFuture(null);
		}

	}

	private static void run(String impl, RedisURI uri, double rate, int burst, int clients, int threads, int seconds)
			throws Exception {
		RedisClient admin = RedisClient.create(uri);
		try (StatefulRedisConnection<String, String> connection = admin.connect()) {
			connection.sync().flushall();
			List<AutoCloseable> closeables = new ArrayList<>();
			List<BooleanSupplier> takers = new ArrayList<>();
			AtomicLong sent = new AtomicLong();
			for (int c = 0; c < clients; c++) {
				takers.add(taker(impl, uri, rate, burst, closeables, sent));
			}
			// warm up (the JIT, the connections, the script cache), then start from a
			// full
			// bucket
			long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
			while (System.nanoTime() < warmEnd) {
				for (BooleanSupplier taker : takers) {
					taker.getAsBoolean();
				}
			}
			connection.sync().flushall();
			Thread.sleep(100);
			sent.set(0);
			AtomicLong calls = new AtomicLong();
			AtomicLong permits = new AtomicLong();
			AtomicLong nanos = new AtomicLong();
			CountDownLatch done = new CountDownLatch(clients * threads);
			long begin = System.nanoTime();
			long end = begin + TimeUnit.SECONDS.toNanos(seconds);
			for (BooleanSupplier taker : takers) {
				for (int t = 0; t < threads; t++) {
					Thread thread = new Thread(() -> {
						long n = 0;
						long ok = 0;
						long spent = 0;
						while (true) {
							long start = System.nanoTime();
							if (start >= end) {
								break;
							}
							if (taker.getAsBoolean()) {
								ok++;
							}
							spent += System.nanoTime() - start;
							n++;
						}
						calls.addAndGet(n);
						permits.addAndGet(ok);
						nanos.addAndGet(spent);
						done.countDown();
					});
					thread.start();
				}
			}
			done.await();
			double elapsed = (System.nanoTime() - begin) / 1e9;
			long commands = sent.get();
			double bound = burst + rate * elapsed;
			System.out.printf(Locale.ROOT, "%-10s %-26s %10.0f %10d %12.0f %12s %9.2f %9.2f %10.0f%n", impl,
					String.format(Locale.ROOT, "%.0f/s burst %d", rate, burst), calls.get() / elapsed, permits.get(),
					bound,
					(permits.get() > bound) ? String.format(Locale.ROOT, "+%.0f", permits.get() - bound) : "none",
					(double) commands / calls.get(), (double) commands / Math.max(1, permits.get()),
					nanos.get() / 1e3 / calls.get());
			for (AutoCloseable closeable : closeables) {
				closeable.close();
			}
		}
		finally {
			admin.shutdown();
		}
	}

	private static BooleanSupplier taker(String impl, RedisURI uri, double rate, int burst,
			List<AutoCloseable> closeables, AtomicLong sent) {
		RedisClient client = RedisClient.create(uri);
		client.addListener(new CommandListener() {
			@Override
			public void commandStarted(CommandStartedEvent event) {
				sent.incrementAndGet();
			}
		});
		if (impl.equals("lua")) {
			RedisBackend backend = new RedisBackend(() -> client);
			closeables.add(() -> {
				backend.destroy();
				client.shutdown();
			});
			RemoteThrottle throttle = backend.throttle(new ThrottleSettings("hot", rate, Duration.ofSeconds(1), burst,
					Duration.ZERO,
					new BackendSettings(Backend.REDIS, "bench:", OnFailure.FAIL_CLOSED, Duration.ofSeconds(2), null)));
			long timeout = TimeUnit.SECONDS.toNanos(2);
			return () -> {
				long answer = throttle.reserve(1, 0, timeout).join();
				return answer >= 0;
			};
		}
		ProxyManager<byte[]> proxies = Bucket4jLettuce.casBasedBuilder(client)
			.expirationAfterWrite(
					ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
			.build();
		closeables.add(client::shutdown);
		BucketConfiguration configuration = BucketConfiguration.builder()
			.addLimit(Bandwidth.builder().capacity(burst).refillGreedy((long) rate, Duration.ofSeconds(1)).build())
			.build();
		var bucket = proxies.builder().build("bench:hot".getBytes(), () -> configuration);
		return () -> bucket.tryConsume(1);
	}

}
