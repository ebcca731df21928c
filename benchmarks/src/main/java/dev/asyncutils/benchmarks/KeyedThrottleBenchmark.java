package dev.asyncutils.benchmarks;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import dev.asyncutils.annotation.Throttle;

/**
 * What a key costs (issue 15): the same {@code @Throttle} method, unkeyed and keyed by a
 * parameter ({@code key = "#tenant"}, compiled SpEL), with a rate that never makes a call
 * wait, over 64 tenants whose buckets exist (the key values are preallocated, so with
 * {@code -prof gc} a keyed call should allocate nothing). Goal: keyed at most 100 ns over
 * unkeyed; {@code keyedExpression} shows a key taken from a property of an argument
 * ({@code #request.tenant}), {@code weighted} a call of 3 permits.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class KeyedThrottleBenchmark {

	private static final int TENANTS = 64;

	private ConfigurableApplicationContext context;

	private Service service;

	private final String[] tenants = new String[TENANTS];

	private final Request[] requests = new Request[TENANTS];

	private int next;

	/**
	 * Start the application and create every tenant's bucket.
	 */
	@Setup(Level.Trial)
	public void start() {
		this.context = Contexts.start(App.class, Contexts.ASYNC_UTILS);
		this.service = this.context.getBean(Service.class);
		for (int i = 0; i < TENANTS; i++) {
			this.tenants[i] = "tenant-" + i;
			this.requests[i] = new Request(this.tenants[i]);
			this.service.keyed(this.tenants[i]);
			this.service.keyedExpression(this.requests[i]);
			this.service.weighted(this.tenants[i]);
		}
	}

	/**
	 * Close the application.
	 */
	@TearDown(Level.Trial)
	public void stop() {
		this.context.close();
	}

	private int tenant() {
		int index = this.next + 1;
		if (index == TENANTS) {
			index = 0;
		}
		this.next = index;
		return index;
	}

	/**
	 * The baseline: one bucket for every call.
	 * @return the method's result
	 */
	@Benchmark
	public String unkeyed() {
		return this.service.unkeyed(this.tenants[tenant()]);
	}

	/**
	 * One bucket per tenant, the key a parameter.
	 * @return the method's result
	 */
	@Benchmark
	public String keyed() {
		return this.service.keyed(this.tenants[tenant()]);
	}

	/**
	 * One bucket per tenant, the key a property of a parameter (compiled SpEL).
	 * @return the method's result
	 */
	@Benchmark
	public String keyedExpression() {
		return this.service.keyedExpression(this.requests[tenant()]);
	}

	/**
	 * One bucket per tenant, three permits per call.
	 * @return the method's result
	 */
	@Benchmark
	public String weighted() {
		return this.service.weighted(this.tenants[tenant()]);
	}

	/**
	 * A request with a tenant, as a key would be read from.
	 *
	 * @param tenant the tenant
	 */
	public record Request(String tenant) {

		/**
		 * Return the tenant.
		 * @return the tenant
		 */
		public String getTenant() {
			return this.tenant;
		}

	}

	/**
	 * The guarded methods.
	 */
	public static class Service {

		/**
		 * Unkeyed.
		 * @param tenant the tenant
		 * @return the tenant
		 */
		@Throttle(name = "bench-unkeyed", rate = 1e12, burst = 1_000_000)
		public String unkeyed(String tenant) {
			return tenant;
		}

		/**
		 * Keyed by the parameter.
		 * @param tenant the tenant
		 * @return the tenant
		 */
		@Throttle(name = "bench-keyed", rate = 1e12, burst = 1_000_000, key = "#tenant")
		public String keyed(String tenant) {
			return tenant;
		}

		/**
		 * Keyed by a property of the parameter.
		 * @param request the request
		 * @return the tenant
		 */
		@Throttle(name = "bench-keyed-expression", rate = 1e12, burst = 1_000_000, key = "#request.tenant")
		public String keyedExpression(Request request) {
			return request.tenant();
		}

		/**
		 * Keyed, three permits per call.
		 * @param tenant the tenant
		 * @return the tenant
		 */
		@Throttle(name = "bench-weighted", rate = 1e12, burst = 1_000_000, key = "#tenant", permits = "3")
		public String weighted(String tenant) {
			return tenant;
		}

	}

	/**
	 * The application.
	 */
	// no component scan: the other benchmarks' applications live in this package
	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	public static class App {

		@Bean
		Service service() {
			return new Service();
		}

	}

}
