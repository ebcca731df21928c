package dev.asyncutils.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.context.ConfigurableApplicationContext;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.bounded.BoundedLimiter;
import dev.asyncutils.bounded.BoundedRegistry;
import dev.asyncutils.throttle.ThrottleRegistry;
import dev.asyncutils.throttle.TokenBucket;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With {@code on-failure: local}, several processes (here: application contexts with a
 * backend each) that share a Redis instance fall back to their share of its limit while
 * Redis is unavailable, so that together they stay within the one limit.
 */
@Timeout(120)
class RedisFallbackShareTests extends RedisTestSupport {

	/** 7 permits, refilled one a minute: an outage of seconds sees the burst only. */
	private static final int BURST = 7;

	private static final int SLOTS = 5;

	private static final String[] PROPERTIES = props("async-utils.throttle.instances.t.backend=redis",
			"async-utils.throttle.instances.t.rate=1", "async-utils.throttle.instances.t.per=1m",
			"async-utils.throttle.instances.t.burst=" + BURST, "async-utils.throttle.instances.t.max-wait=0",
			"async-utils.throttle.instances.t.redis.timeout=200ms", "async-utils.bounded.instances.b.backend=redis",
			"async-utils.bounded.instances.b.max-concurrent=" + SLOTS, "async-utils.bounded.instances.b.max-wait=0",
			"async-utils.bounded.instances.b.redis.timeout=200ms",
			"async-utils.bounded.instances.b.redis.lease-time=2s");

	/** Keyed instances with the same limits as t and b. */
	private static final String[] KEYED = props("async-utils.throttle.instances.kt.backend=redis",
			"async-utils.throttle.instances.kt.rate=1", "async-utils.throttle.instances.kt.per=1m",
			"async-utils.throttle.instances.kt.burst=" + BURST, "async-utils.throttle.instances.kt.max-wait=0",
			"async-utils.throttle.instances.kt.redis.timeout=200ms", "async-utils.bounded.instances.kb.backend=redis",
			"async-utils.bounded.instances.kb.max-concurrent=" + SLOTS, "async-utils.bounded.instances.kb.max-wait=0",
			"async-utils.bounded.instances.kb.redis.timeout=200ms",
			"async-utils.bounded.instances.kb.redis.lease-time=2s");

	@Test
	void processesThatStalledTogetherAdmitNoMoreThanTheOneLimit() throws Exception {
		List<Node> nodes = nodes(3);
		awaitMembers(nodes, 3);
		redis().clientPause(6000);
		List<Node.Outage> outages = outage(nodes);
		// 7 = 3 + 2 + 2 and 5 = 2 + 2 + 1: the remainder goes to the first processes by
		// id
		assertThat(outages).extracting(Node.Outage::permits).containsExactlyInAnyOrder(3, 2, 2);
		assertThat(outages).extracting(Node.Outage::slots).containsExactlyInAnyOrder(2, 2, 1);
		release(outages);
	}

	@Test
	void eachKeyOfAKeyedInstanceFallsBackToItsShareOfThatKeysLimit() throws Exception {
		List<Node> nodes = nodes(3, KEYED);
		awaitMembers(nodes, 3, "kt", "kb");
		redis().clientPause(8000);
		for (String key : List.of("acme", "globex")) {
			List<Node.Outage> outages = new ArrayList<>();
			for (Node node : nodes) {
				outages.add(node.outage(key));
			}
			assertThat(outages).as(key).extracting(Node.Outage::permits).containsExactlyInAnyOrder(3, 2, 2);
			assertThat(outages).as(key).extracting(Node.Outage::slots).containsExactlyInAnyOrder(2, 2, 1);
			release(outages);
		}
	}

	private List<Node> nodes(int count, String[]... more) {
		List<String> properties = new ArrayList<>(List.of(PROPERTIES));
		for (String[] added : more) {
			properties.addAll(List.of(added));
		}
		List<Node> nodes = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Probe probe = new Probe();
			Class<?>[] beans = (more.length == 0) ? new Class<?>[] { Guarded.class }
					: new Class<?>[] { Guarded.class, KeyedGuarded.class };
			ConfigurableApplicationContext context = start(probe, beans, properties.toArray(String[]::new));
			nodes.add(new Node(context, probe));
		}
		return nodes;
	}

	@Test
	void processesCutOffFromAKilledRedisAdmitNoMoreThanTheOneLimit() throws Exception {
		List<Node> nodes = nodes(3);
		awaitMembers(nodes, 3);
		server.kill();
		try {
			List<Node.Outage> outages = outage(nodes);
			assertThat(outages).extracting(Node.Outage::permits).containsExactlyInAnyOrder(3, 2, 2);
			assertThat(outages).extracting(Node.Outage::slots).containsExactlyInAnyOrder(2, 2, 1);
			release(outages);
		}
		finally {
			server.restart();
		}
	}

	@Test
	void theSharesGrowWhenAProcessLeavesOrItsEntryRunsOut() throws Exception {
		List<Node> nodes = nodes(3);
		awaitMembers(nodes, 3);
		// a process that stops removes its entry at once
		nodes.remove(2).context().close();
		awaitMembers(nodes, 2);
		// a process that crashed (an entry nobody renews) counts until its entry runs out
		List<String> time = redis().time();
		long nowMicros = Long.parseLong(time.get(0)) * 1_000_000 + Long.parseLong(time.get(1));
		redis().zadd("async-utils:members:throttle:t", nowMicros + 5_000_000, "crashed");
		redis().zadd("async-utils:members:bounded:b", nowMicros + 5_000_000, "crashed");
		awaitMembers(nodes, 3);
		awaitMembers(nodes, 2);
		redis().clientPause(6000);
		List<Node.Outage> outages = outage(nodes);
		// 7 = 4 + 3 and 5 = 3 + 2
		assertThat(outages).extracting(Node.Outage::permits).containsExactlyInAnyOrder(4, 3);
		assertThat(outages).extracting(Node.Outage::slots).containsExactlyInAnyOrder(3, 2);
		release(outages);
	}

	@Test
	void aProcessThatNeverReachedRedisTakesTheSmallestShareThatAdmits() throws Exception {
		server.kill();
		Node node;
		try {
			Probe probe = new Probe();
			node = new Node(start(probe, new Class<?>[] { Guarded.class }, withConnectTimeout()), probe);
			assertThat(node.throttle().remote().share().known()).isFalse();
			assertThat(node.bounded().remote().share().known()).isFalse();
			// as if as many processes shared the limit as it has slots and permits of
			// burst: one each
			Node.Outage outage = node.outage();
			assertThat(outage.permits()).isOne();
			assertThat(outage.slots()).isOne();
			release(List.of(outage));
		}
		finally {
			server.restart();
		}
		// once Redis answers, it learns it is alone: the whole limit
		awaitMembers(List.of(node), 1);
		assertThat(node.throttle().remote().share().of(BURST)).isEqualTo(BURST);
		assertThat(node.bounded().remote().share().of(SLOTS)).isEqualTo(SLOTS);
	}

	private static String[] withConnectTimeout() {
		String[] all = java.util.Arrays.copyOf(PROPERTIES, PROPERTIES.length + 1);
		all[PROPERTIES.length] = "spring.data.redis.connect-timeout=200ms";
		return all;
	}

	/**
	 * Wait until every node counts that many members of both instances.
	 */
	private static void awaitMembers(List<Node> nodes, int members) throws InterruptedException {
		awaitMembers(nodes, members, "t", "b");
	}

	private static void awaitMembers(List<Node> nodes, int members, String throttle, String bounded)
			throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		for (Node node : nodes) {
			while (node.throttle(throttle).remote().share().members() != members
					|| node.bounded(bounded).remote().share().members() != members) {
				assertThat(System.nanoTime()).as("%d members counted within 20 s", members).isLessThan(deadline);
				Thread.sleep(20);
			}
		}
	}

	/**
	 * Call both instances from every node while Redis is unavailable: many more calls
	 * than the limits allow.
	 */
	private static List<Node.Outage> outage(List<Node> nodes) {
		List<Node.Outage> outages = new ArrayList<>();
		for (Node node : nodes) {
			outages.add(node.outage());
		}
		return outages;
	}

	private static void release(List<Node.Outage> outages) {
		outages.forEach((outage) -> outage.release().complete(null));
	}

	record Node(ConfigurableApplicationContext context, Probe probe) {

		Guarded bean() {
			return this.context.getBean(Guarded.class);
		}

		TokenBucket throttle() {
			return throttle("t");
		}

		TokenBucket throttle(String name) {
			return this.context.getBean(ThrottleRegistry.class).get(name);
		}

		BoundedLimiter bounded() {
			return bounded("b");
		}

		BoundedLimiter bounded(String name) {
			return this.context.getBean(BoundedRegistry.class).get(name);
		}

		Outage outage() {
			return outage(null);
		}

		/**
		 * Call the throttle and bounded instances (the keyed ones with this key, if any)
		 * far more often than their limits allow.
		 */
		Outage outage(@Nullable String key) {
			Guarded bean = bean();
			KeyedGuarded keyed = (key != null) ? this.context.getBean(KeyedGuarded.class) : null;
			Probe slots = (key != null) ? new Probe() : this.probe;
			int permits = 0;
			for (int i = 0; i < 3 * BURST; i++) {
				try {
					if (keyed != null && key != null) {
						keyed.throttled(key);
					}
					else {
						bean.throttled();
					}
					permits++;
				}
				catch (ThrottleRejectedException ex) {
					// beyond this process's share
				}
			}
			CompletableFuture<Void> release = new CompletableFuture<>();
			List<CompletableFuture<Void>> holders = new ArrayList<>();
			for (int i = 0; i < 3 * SLOTS; i++) {
				holders
					.add((keyed != null && key != null) ? keyed.hold(key, slots, release) : bean.hold(slots, release));
			}
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
			int rejected = 0;
			while (System.nanoTime() < deadline) {
				rejected = (int) holders.stream().filter(CompletableFuture::isCompletedExceptionally).count();
				if (rejected + slots.admitted.get() == holders.size()) {
					break;
				}
				Thread.onSpinWait();
			}
			holders.stream()
				.filter(CompletableFuture::isCompletedExceptionally)
				.forEach((holder) -> assertThat(holder).failsWithin(java.time.Duration.ZERO)
					.withThrowableThat()
					.havingCause()
					.isInstanceOf(BoundedRejectedException.class));
			assertThat(rejected + slots.admitted.get()).isEqualTo(holders.size());
			return new Outage(permits, slots.admitted.get(), release);
		}

		record Outage(int permits, int slots, CompletableFuture<Void> release) {

		}

	}

	static class Guarded {

		@Throttle(name = "t")
		public void throttled() {
		}

		@Bounded(name = "b")
		public CompletableFuture<Void> hold(Probe probe, CompletableFuture<Void> release) {
			probe.enter();
			return release.whenComplete((value, failure) -> probe.leave());
		}

	}

	static class KeyedGuarded {

		@Throttle(name = "kt", key = "#key")
		public void throttled(String key) {
		}

		@Bounded(name = "kb", key = "#key")
		public CompletableFuture<Void> hold(String key, Probe probe, CompletableFuture<Void> release) {
			probe.enter();
			return release.whenComplete((value, failure) -> probe.leave());
		}

	}

}
