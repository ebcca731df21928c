package dev.asyncutils.benchmarks;

import java.util.concurrent.TimeUnit;

import org.aopalliance.intercept.MethodInterceptor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Per-call cost of each guard on a plain method, uncontended, permits and slots always
 * free: against the direct call and against the same bean behind a no-op Spring AOP
 * interceptor (the floor every proxy-based guard pays).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PlainOverheadBenchmark {

	private ConfigurableApplicationContext context;

	private Target direct;

	private Target noOpProxy;

	private Target guarded;

	private int value;

	/**
	 * Start a Spring context with async-utils and build the comparison proxies.
	 */
	@Setup(Level.Trial)
	public void start() {
		SpringApplication application = new SpringApplication(App.class);
		application.setWebApplicationType(WebApplicationType.NONE);
		this.context = application.run("--logging.level.root=WARN", "--spring.main.banner-mode=off");
		this.guarded = this.context.getBean(Target.class);
		this.direct = new Target();
		ProxyFactory proxyFactory = new ProxyFactory(new Target());
		proxyFactory.setProxyTargetClass(true);
		proxyFactory.addAdvice((MethodInterceptor) (invocation) -> invocation.proceed());
		this.noOpProxy = (Target) proxyFactory.getProxy();
	}

	/**
	 * Close the context.
	 */
	@TearDown(Level.Trial)
	public void stop() {
		this.context.close();
	}

	/**
	 * The direct call.
	 * @return the result
	 */
	@Benchmark
	public int direct() {
		return this.direct.plain(this.value++);
	}

	/**
	 * The floor: a no-op interceptor on a CGLIB proxy.
	 * @return the result
	 */
	@Benchmark
	public int noOpInterceptor() {
		return this.noOpProxy.plain(this.value++);
	}

	/**
	 * {@code @Retry} alone.
	 * @return the result
	 */
	@Benchmark
	public int retry() {
		return this.guarded.retry(this.value++);
	}

	/**
	 * {@code @Timeout} alone.
	 * @return the result
	 */
	@Benchmark
	public int timeout() {
		return this.guarded.timeout(this.value++);
	}

	/**
	 * {@code @Throttle} alone.
	 * @return the result
	 */
	@Benchmark
	public int throttle() {
		return this.guarded.throttle(this.value++);
	}

	/**
	 * {@code @Bounded} alone.
	 * @return the result
	 */
	@Benchmark
	public int bounded() {
		return this.guarded.bounded(this.value++);
	}

	/**
	 * {@code @Fallback} alone.
	 * @return the result
	 */
	@Benchmark
	public int fallback() {
		return this.guarded.fallback(this.value++);
	}

	/**
	 * All five stacked.
	 * @return the result
	 */
	@Benchmark
	public int allFive() {
		return this.guarded.all(this.value++);
	}

	/**
	 * The application the benchmarks run in.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	public static class App {

		/**
		 * The guarded bean.
		 * @return the bean
		 */
		@Bean
		public Target target() {
			return new Target();
		}

	}

}
