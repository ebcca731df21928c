package dev.asyncutils.benchmarks;

import org.aopalliance.intercept.MethodInterceptor;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.resilience.annotation.EnableResilientMethods;

/**
 * The contenders of the overhead benchmarks, one JMH state each, so that a benchmark
 * starts only the application context it calls: ours, Resilience4j's and Spring
 * Framework's each in a minimal context of their own.
 */
public final class OverheadStates {

	private OverheadStates() {
	}

	/**
	 * Check that a bean is a class-based proxy with exactly one advisor: the contender's
	 * own interception and nothing else.
	 * @param bean the bean
	 * @param contender who should intercept it
	 */
	static void requireIntercepted(Object bean, String contender) {
		require(AopUtils.isCglibProxy(bean), contender + " did not proxy " + bean.getClass());
		Advisor[] advisors = ((Advised) bean).getAdvisors();
		require(advisors.length >= 1, contender + " added no advisor to " + bean.getClass());
		for (Advisor advisor : advisors) {
			require(!advisor.getClass().getName().startsWith(Contexts.ASYNC_UTILS) || contender.equals("async-utils"),
					"foreign advisor " + advisor + " on " + contender);
		}
	}

	static void require(boolean condition, String message) {
		if (!condition) {
			throw new IllegalStateException(message);
		}
	}

	/**
	 * The direct calls and the floor: the same beans behind a no-op interceptor on a
	 * CGLIB proxy, which every proxy-based guard pays.
	 */
	@State(Scope.Benchmark)
	public static class Floor {

		Target direct;

		Target noOp;

		StageTarget stageDirect;

		StageTarget stageNoOp;

		int value;

		/**
		 * Build the beans and their no-op proxies.
		 */
		@Setup(Level.Trial)
		public void start() {
			this.direct = new Target();
			this.noOp = noOpProxy(new Target());
			this.stageDirect = new StageTarget();
			this.stageNoOp = noOpProxy(new StageTarget());
		}

		@SuppressWarnings("unchecked")
		private static <T> T noOpProxy(T target) {
			ProxyFactory proxyFactory = new ProxyFactory(target);
			proxyFactory.setProxyTargetClass(true);
			proxyFactory.addAdvice((MethodInterceptor) (invocation) -> invocation.proceed());
			return (T) proxyFactory.getProxy();
		}

	}

	/**
	 * async-utils: its auto-configuration only.
	 */
	@State(Scope.Benchmark)
	public static class Ours {

		private ConfigurableApplicationContext context;

		Target target;

		StageTarget stageTarget;

		int value;

		/**
		 * Start the context.
		 */
		@Setup(Level.Trial)
		public void start() {
			this.context = Contexts.start(App.class, Contexts.ASYNC_UTILS);
			this.target = this.context.getBean(Target.class);
			this.stageTarget = this.context.getBean(StageTarget.class);
			requireIntercepted(this.target, "async-utils");
			requireIntercepted(this.stageTarget, "async-utils");
		}

		/**
		 * Close the context.
		 */
		@TearDown(Level.Trial)
		public void stop() {
			this.context.close();
		}

		/**
		 * The application.
		 */
		@Configuration(proxyBeanMethods = false)
		@EnableAutoConfiguration
		public static class App {

			@Bean
			Target target() {
				return new Target();
			}

			@Bean
			StageTarget stageTarget() {
				return new StageTarget();
			}

		}

	}

	/**
	 * Resilience4j 2.4.0 through {@code resilience4j-spring-boot4} and Spring Boot's
	 * AspectJ auto-proxying, configured so that nothing waits or retries: a rate limit of
	 * {@code Integer.MAX_VALUE} per second, no timeout on a permit, a semaphore bulkhead
	 * of 10,000 that never waits, a time limiter of 10 s, a count-based circuit breaker
	 * of 100 calls (our defaults) that stays closed.
	 */
	@State(Scope.Benchmark)
	public static class Resilience4j {

		private ConfigurableApplicationContext context;

		Resilience4jTarget target;

		int value;

		/**
		 * Start the context.
		 */
		@Setup(Level.Trial)
		public void start() {
			this.context = Contexts.start(App.class, Contexts.RESILIENCE4J,
					"resilience4j.ratelimiter.configs.default.limit-for-period=" + Integer.MAX_VALUE,
					"resilience4j.ratelimiter.configs.default.limit-refresh-period=1s",
					"resilience4j.ratelimiter.configs.default.timeout-duration=0",
					"resilience4j.retry.configs.default.max-attempts=3",
					"resilience4j.retry.configs.default.wait-duration=100ms",
					"resilience4j.bulkhead.configs.default.max-concurrent-calls=10000",
					"resilience4j.bulkhead.configs.default.max-wait-duration=0",
					"resilience4j.timelimiter.configs.default.timeout-duration=10s",
					"resilience4j.circuitbreaker.configs.default.sliding-window-size=100",
					"resilience4j.circuitbreaker.configs.default.minimum-number-of-calls=20");
			this.target = this.context.getBean(Resilience4jTarget.class);
			this.target.rateLimiter(0);
			this.target.retry(0);
			this.target.bulkhead(0);
			this.target.stageTimeLimiter(0).join();
			this.target.circuitBreaker(0);
			requireIntercepted(this.target, "Resilience4j");
			require(this.context.getBean(RateLimiterRegistry.class).getAllRateLimiters().size() == 1
					&& this.context.getBean(RetryRegistry.class).getAllRetries().size() == 1
					&& this.context.getBean(BulkheadRegistry.class).getAllBulkheads().size() == 1
					&& this.context.getBean(TimeLimiterRegistry.class).getAllTimeLimiters().size() == 1
					&& this.context.getBean(CircuitBreakerRegistry.class).getAllCircuitBreakers().size() == 1,
					"Resilience4j's aspects did not create their instances");
		}

		/**
		 * Close the context.
		 */
		@TearDown(Level.Trial)
		public void stop() {
			this.context.close();
		}

		/**
		 * The application.
		 */
		@Configuration(proxyBeanMethods = false)
		@EnableAutoConfiguration
		public static class App {

			@Bean
			Resilience4jTarget resilience4jTarget() {
				return new Resilience4jTarget();
			}

		}

	}

	/**
	 * Spring Framework 7's resilience annotations, enabled by
	 * {@code @EnableResilientMethods} on class-based proxies.
	 */
	@State(Scope.Benchmark)
	public static class SpringResilience {

		private ConfigurableApplicationContext context;

		SpringResilienceTarget target;

		int value;

		/**
		 * Start the context.
		 */
		@Setup(Level.Trial)
		public void start() {
			this.context = Contexts.start(App.class, null);
			this.target = this.context.getBean(SpringResilienceTarget.class);
			requireIntercepted(this.target, "Spring's resilience annotations");
		}

		/**
		 * Close the context.
		 */
		@TearDown(Level.Trial)
		public void stop() {
			this.context.close();
		}

		/**
		 * The application.
		 */
		@Configuration(proxyBeanMethods = false)
		@EnableAutoConfiguration
		@EnableResilientMethods(proxyTargetClass = true)
		public static class App {

			@Bean
			SpringResilienceTarget springResilienceTarget() {
				return new SpringResilienceTarget();
			}

		}

	}

}
