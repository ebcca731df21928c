package dev.asyncutils.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;

/**
 * One real redis-server per test class, emptied before each test, and helpers to start
 * several application contexts that share it, as several JVMs of one service would.
 */
abstract class RedisTestSupport {

	static RedisServer server;

	private static RedisClient client;

	private static StatefulRedisConnection<String, String> connection;

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeAll
	static void startRedis() {
		server = RedisServer.start();
		client = RedisClient.create(RedisURI.create("127.0.0.1", server.port()));
	}

	@AfterAll
	static void stopRedis() {
		if (connection != null) {
			connection.close();
			connection = null;
		}
		if (client != null) {
			client.shutdown();
		}
		if (server != null) {
			server.close();
		}
	}

	@BeforeEach
	void emptyRedis() {
		redis().flushall();
	}

	@AfterEach
	void closeContexts() {
		this.contexts.forEach(ConfigurableApplicationContext::close);
		this.contexts.clear();
	}

	/**
	 * Return a plain connection to the test's Redis, for looking at or writing keys
	 * directly.
	 * @return synchronous commands
	 */
	static synchronized RedisCommands<String, String> redis() {
		if (connection == null || !connection.isOpen()) {
			connection = client.connect();
		}
		return connection.sync();
	}

	/**
	 * Start an application context on the test's Redis, closed after the test.
	 * @param probe shared with the other contexts of the test
	 * @param beans the guarded bean classes
	 * @param properties the properties
	 * @return the running context
	 */
	ConfigurableApplicationContext start(Probe probe, Class<?>[] beans, String... properties) {
		Object[] sources = new Object[beans.length + 1];
		sources[0] = RedisApp.class;
		System.arraycopy(beans, 0, sources, 1, beans.length);
		List<String> all = new ArrayList<>(List.of(properties));
		all.add("spring.data.redis.host=127.0.0.1");
		all.add("spring.data.redis.port=" + server.port());
		ConfigurableApplicationContext context = new SpringApplicationBuilder().sources(toClasses(sources))
			.web(WebApplicationType.NONE)
			.logStartupInfo(false)
			.initializers((ctx) -> ctx.getBeanFactory().registerSingleton("probe", probe))
			.properties(all.toArray(String[]::new))
			.run();
		this.contexts.add(context);
		return context;
	}

	private static Class<?>[] toClasses(Object[] sources) {
		Class<?>[] classes = new Class<?>[sources.length];
		for (int i = 0; i < sources.length; i++) {
			classes[i] = (Class<?>) sources[i];
		}
		return classes;
	}

	static String[] props(String... properties) {
		return properties;
	}

	/**
	 * What the guarded methods of every context record: admissions, start times,
	 * concurrency.
	 */
	static final class Probe {

		final AtomicInteger admitted = new AtomicInteger();

		final ConcurrentLinkedQueue<Long> starts = new ConcurrentLinkedQueue<>();

		final AtomicInteger active = new AtomicInteger();

		final AtomicInteger maxActive = new AtomicInteger();

		void admit() {
			this.starts.add(System.nanoTime());
			this.admitted.incrementAndGet();
		}

		void enter() {
			int now = this.active.incrementAndGet();
			this.maxActive.accumulateAndGet(now, Math::max);
			this.admitted.incrementAndGet();
		}

		void leave() {
			this.active.decrementAndGet();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataRedisAutoConfiguration.class, AsyncUtilsRedisAutoConfiguration.class,
			AsyncUtilsAutoConfiguration.class })
	static class RedisApp {

	}

}
