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

import dev.asyncutils.annotation.Bounded;

/**
 * What a key costs on {@code @Bounded} (issue 15): the same plain method, unkeyed and
 * keyed by a parameter ({@code key = "#tenant"}), with a limit never reached, over 64
 * tenants whose limits exist (preallocated key values: with {@code -prof gc} a keyed call
 * should allocate nothing beyond the unkeyed one's). The pair to
 * {@link KeyedThrottleBenchmark}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class KeyedBoundedBenchmark {

	private static final int TENANTS = 64;

	private ConfigurableApplicationContext context;

	private Service service;

	private final String[] tenants = new String[TENANTS];

	private int next;

	/**
	 * Start the application and create every tenant's limit.
	 */
	@Setup(Level.Trial)
	public void start() {
		this.context = Contexts.start(App.class, Contexts.ASYNC_UTILS);
		this.service = this.context.getBean(Service.class);
		for (int i = 0; i < TENANTS; i++) {
			this.tenants[i] = "tenant-" + i;
			this.service.keyed(this.tenants[i]);
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
	 * The baseline: one limit for every call.
	 * @return the method's result
	 */
	@Benchmark
	public String unkeyed() {
		return this.service.unkeyed(this.tenants[tenant()]);
	}

	/**
	 * One limit per tenant, the key a parameter.
	 * @return the method's result
	 */
	@Benchmark
	public String keyed() {
		return this.service.keyed(this.tenants[tenant()]);
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
		@Bounded(name = "bench-bounded-unkeyed", value = 1_000)
		public String unkeyed(String tenant) {
			return tenant;
		}

		/**
		 * Keyed by the parameter.
		 * @param tenant the tenant
		 * @return the tenant
		 */
		@Bounded(name = "bench-bounded-keyed", value = 1_000, key = "#tenant")
		public String keyed(String tenant) {
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
