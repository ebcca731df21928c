package dev.asyncutils.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.bounded.BoundedLimiter;
import dev.asyncutils.bounded.BoundedRegistry;

/**
 * {@code @Bounded} with 100,000 asynchronous waiters: a {@code CompletionStage} method
 * limited to 10 concurrent calls whose first 10 calls never complete until released, so
 * that the next 99,990 callers queue without holding a thread. Reports the heap retained
 * per waiter (heap used after a full GC, before and after registering the callers; the
 * callers' stages are kept and counted) and the time to drain the line once the held
 * calls complete and every later call completes at once.
 *
 * <p>
 * Two variants: no max-wait (a waiter is only its queue node and its stage) and a
 * max-wait of one hour (each waiter also schedules its expiry on the scheduler).
 * Argument: the number of callers (default 100,000).
 */
public final class BoundedWaiters {

	static final int LIMIT = 10;

	private BoundedWaiters() {
	}

	/**
	 * Run the measurement.
	 * @param args the number of callers
	 * @throws InterruptedException if interrupted
	 */
	public static void main(String[] args) throws InterruptedException {
		int callers = (args.length > 0) ? Integer.parseInt(args[0]) : 100_000;
		ConfigurableApplicationContext context = Contexts.start(App.class, Contexts.ASYNC_UTILS);
		StringBuilder table = new StringBuilder();
		StringBuilder json = new StringBuilder("[");
		try {
			Work work = context.getBean(Work.class);
			Gate gate = context.getBean(Gate.class);
			BoundedRegistry registry = context.getBean(BoundedRegistry.class);
			table.append("@Bounded(")
				.append(LIMIT)
				.append(") CompletionStage method, ")
				.append(callers)
				.append(" callers (")
				.append(callers - LIMIT)
				.append(" waiting)\n\n");
			table.append("| variant | waiting | heap per waiter (B) | register (ms) | register per caller (ns) "
					+ "| drain (ms) | drain per waiter (ns) | threads during the wait |\n");
			table.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
			Variant[] variants = { new Variant("no max-wait", Work.NO_MAX_WAIT, work::noMaxWait),
					new Variant("max-wait 1h (a timer per waiter)", Work.MAX_WAIT_1H, work::maxWaitOneHour) };
			for (Variant variant : variants) {
				measure(variant.calls(), 1_000, gate, registry.get(variant.name()));
				gate.reset();
				Measured measured = measure(variant.calls(), callers, gate, registry.get(variant.name()));
				gate.reset();
				table.append("| ")
					.append(variant.label())
					.append(" | ")
					.append(measured.waiting())
					.append(" | ")
					.append(Reports.fixed(measured.bytesPerWaiter(), 0))
					.append(" | ")
					.append(Reports.fixed(measured.registerNanos() / 1e6, 1))
					.append(" | ")
					.append(Reports.fixed((double) measured.registerNanos() / callers, 0))
					.append(" | ")
					.append(Reports.fixed(measured.drainNanos() / 1e6, 1))
					.append(" | ")
					.append(Reports.fixed((double) measured.drainNanos() / measured.waiting(), 0))
					.append(" | ")
					.append(measured.threads())
					.append(" |\n");
				if (json.length() > 1) {
					json.append(",");
				}
				json.append("\n  {\"variant\": ")
					.append(Reports.json(variant.label()))
					.append(", \"waiting\": ")
					.append(measured.waiting())
					.append(", \"bytesPerWaiter\": ")
					.append(Reports.fixed(measured.bytesPerWaiter(), 1))
					.append(", \"registerMillis\": ")
					.append(Reports.fixed(measured.registerNanos() / 1e6, 2))
					.append(", \"drainMillis\": ")
					.append(Reports.fixed(measured.drainNanos() / 1e6, 2))
					.append(", \"threads\": ")
					.append(measured.threads())
					.append("}");
			}
		}
		finally {
			context.close();
		}
		json.append("\n]\n");
		System.out.println(table);
		Reports.write("bounded-waiters.md", table.toString());
		Reports.write("bounded-waiters.json", json.toString());
	}

	static Measured measure(IntFunction<CompletionStage<Integer>> calls, int callers, Gate gate, BoundedLimiter limiter)
			throws InterruptedException {
		@SuppressWarnings({ "unchecked", "rawtypes" })
		CompletionStage<Integer>[] stages = new CompletionStage[callers];
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
		long before = heapAfterGc(memory);
		long start = System.nanoTime();
		for (int i = 0; i < callers; i++) {
			stages[i] = calls.apply(i);
		}
		long registerNanos = System.nanoTime() - start;
		int waiting = limiter.waiting();
		if (waiting != callers - LIMIT || gate.held() != LIMIT) {
			throw new IllegalStateException("expected " + (callers - LIMIT) + " waiting and " + LIMIT
					+ " running, found " + waiting + " and " + gate.held());
		}
		long after = heapAfterGc(memory);
		int threads = ManagementFactory.getThreadMXBean().getThreadCount();
		CountDownLatch done = new CountDownLatch(callers);
		for (CompletionStage<Integer> stage : stages) {
			stage.whenComplete((value, failure) -> done.countDown());
		}
		start = System.nanoTime();
		gate.open();
		if (!done.await(5, TimeUnit.MINUTES)) {
			throw new IllegalStateException(done.getCount() + " calls still pending after 5 minutes");
		}
		long drainNanos = System.nanoTime() - start;
		for (CompletionStage<Integer> stage : stages) {
			stage.toCompletableFuture().join();
		}
		if (limiter.active() != 0 || limiter.waiting() != 0) {
			throw new IllegalStateException("slots leaked: " + limiter);
		}
		return new Measured(waiting, (double) (after - before) / waiting, registerNanos, drainNanos, threads);
	}

	static long heapAfterGc(MemoryMXBean memory) throws InterruptedException {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 4; i++) {
			System.gc();
			Thread.sleep(50);
			used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	record Variant(String label, String name, IntFunction<CompletionStage<Integer>> calls) {
	}

	record Measured(int waiting, double bytesPerWaiter, long registerNanos, long drainNanos, int threads) {
	}

	/**
	 * Holds the first calls' stages until opened; once open, every call completes at
	 * once.
	 */
	static final class Gate {

		private final List<CompletableFuture<Integer>> held = new ArrayList<>();

		private boolean open;

		synchronized CompletableFuture<Integer> call(int value) {
			if (this.open) {
				return CompletableFuture.completedFuture(value);
			}
			CompletableFuture<Integer> future = new CompletableFuture<>();
			this.held.add(future);
			return future;
		}

		synchronized int held() {
			return this.held.size();
		}

		void open() {
			List<CompletableFuture<Integer>> release;
			synchronized (this) {
				this.open = true;
				release = new ArrayList<>(this.held);
				this.held.clear();
			}
			for (int i = 0; i < release.size(); i++) {
				release.get(i).complete(i);
			}
		}

		synchronized void reset() {
			this.open = false;
			this.held.clear();
		}

	}

	/**
	 * The bounded methods; the gate is passed in, never read through the proxy.
	 */
	public static class Work {

		static final String NO_MAX_WAIT = "waiters-no-max-wait";

		static final String MAX_WAIT_1H = "waiters-max-wait-1h";

		private final Gate gate;

		Work(Gate gate) {
			this.gate = gate;
		}

		/**
		 * A bounded call that may wait without limit.
		 * @param value an input
		 * @return the stage of the call
		 */
		@Bounded(name = NO_MAX_WAIT, value = LIMIT)
		public CompletionStage<Integer> noMaxWait(int value) {
			return this.gate.call(value);
		}

		/**
		 * A bounded call that may wait an hour.
		 * @param value an input
		 * @return the stage of the call
		 */
		@Bounded(name = MAX_WAIT_1H, value = LIMIT, maxWait = "1h")
		public CompletionStage<Integer> maxWaitOneHour(int value) {
			return this.gate.call(value);
		}

	}

	/**
	 * The application.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	public static class App {

		@Bean
		Gate gate() {
			return new Gate();
		}

		@Bean
		Work work(Gate gate) {
			return new Work(gate);
		}

	}

}
