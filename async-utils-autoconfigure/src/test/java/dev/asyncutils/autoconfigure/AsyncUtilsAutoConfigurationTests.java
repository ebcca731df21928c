package dev.asyncutils.autoconfigure;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.core.AsyncUtilsBeanPostProcessor;
import dev.asyncutils.core.AsyncUtilsScheduler;
import dev.asyncutils.fallback.FallbackFeature;
import dev.asyncutils.retry.RetryFeature;
import dev.asyncutils.timeout.TimeoutFeature;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Auto-configuration: the beans it contributes, switching it off, property binding and
 * its precedence over annotations, the shared scheduler, and beans that are already AOP
 * proxies.
 */
class AsyncUtilsAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class))
		.withUserConfiguration(Config.class);

	@Test
	void contributesTheSchedulerThePostProcessorAndTheThreeFeatures() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(AsyncUtilsScheduler.class)
				.hasSingleBean(AsyncUtilsBeanPostProcessor.class)
				.hasSingleBean(RetryFeature.class)
				.hasSingleBean(TimeoutFeature.class)
				.hasSingleBean(FallbackFeature.class)
				.hasSingleBean(AsyncUtilsProperties.class);
			assertThat(AopUtils.isAopProxy(context.getBean(Guarded.class))).isTrue();
		});
	}

	@Test
	void userDefinedSchedulerReplacesTheAutoConfiguredOne() throws InterruptedException {
		AsyncUtilsScheduler own = new AsyncUtilsScheduler(1);
		try {
			this.runner.withBean("myScheduler", AsyncUtilsScheduler.class, () -> own).run((context) -> {
				assertThat(context).hasSingleBean(AsyncUtilsScheduler.class);
				assertThat(context.getBean(AsyncUtilsScheduler.class)).isSameAs(own);
				assertThat(context).doesNotHaveBean("asyncUtilsScheduler");
			});
		}
		finally {
			own.destroy();
		}
	}

	@Test
	void disabledLeavesAnnotatedMethodsPlain() {
		this.runner.withPropertyValues("async-utils.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(AsyncUtilsBeanPostProcessor.class)
				.doesNotHaveBean(AsyncUtilsScheduler.class)
				.doesNotHaveBean(RetryFeature.class)
				.doesNotHaveBean(TimeoutFeature.class)
				.doesNotHaveBean(FallbackFeature.class);
			Guarded guarded = context.getBean(Guarded.class);
			assertThat(AopUtils.isAopProxy(guarded)).isFalse();
			Throwable thrown = catchThrowable(guarded::builtIn);
			assertThat(thrown).isExactlyInstanceOf(IllegalStateException.class).hasMessage("builtIn 1");
			assertThat(thrown.getSuppressed()).isEmpty();
			assertThat(context.getBean(Counts.class).of("builtIn")).isEqualTo(1);
			assertThat(catchThrowable(guarded::withFallback)).hasMessage("withFallback 1");
		});
	}

	@Test
	void enabledExplicitlyBehavesAsTheDefault() {
		this.runner.withPropertyValues("async-utils.enabled=true").run((context) -> {
			assertThat(context).hasSingleBean(AsyncUtilsBeanPostProcessor.class);
			assertThat(context.getBean(Guarded.class).withFallback()).isEqualTo("fallback");
		});
	}

	@Test
	void beanWithoutAnnotationsIsNotProxied() {
		this.runner.run((context) -> {
			assertThat(AopUtils.isAopProxy(context.getBean(Plain.class))).isFalse();
			assertThat(context.getBean(Plain.class)).isExactlyInstanceOf(Plain.class);
		});
	}

	@Test
	void builtInDefaultAppliesWhenNothingIsSet() {
		this.runner.run((context) -> {
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(context.getBean(Guarded.class)::builtIn);
			assertThat(context.getBean(Counts.class).of("builtIn")).isEqualTo(3);
		});
	}

	@Test
	void defaultsPropertyOverridesTheBuiltInDefault() {
		this.runner.withPropertyValues("async-utils.retry.defaults.max-attempts=5").run((context) -> {
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(context.getBean(Guarded.class)::builtIn);
			assertThat(context.getBean(Counts.class).of("builtIn")).isEqualTo(5);
		});
	}

	@Test
	void annotationOverridesTheDefaultsProperty() {
		this.runner.withPropertyValues("async-utils.retry.defaults.max-attempts=5").run((context) -> {
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(context.getBean(Guarded.class)::annotated);
			assertThat(context.getBean(Counts.class).of("annotated")).isEqualTo(2);
		});
	}

	@Test
	void instancePropertyOverridesTheAnnotationAndTheDefaults() {
		this.runner
			.withPropertyValues("async-utils.retry.defaults.max-attempts=5",
					"async-utils.retry.instances.inventory.max-attempts=4")
			.run((context) -> {
				assertThatExceptionOfType(IllegalStateException.class)
					.isThrownBy(context.getBean(Guarded.class)::instance);
				assertThat(context.getBean(Counts.class).of("instance")).isEqualTo(4);
			});
	}

	@Test
	void instancePropertyForAnotherNameDoesNotApply() {
		this.runner.withPropertyValues("async-utils.retry.instances.other.max-attempts=4").run((context) -> {
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(context.getBean(Guarded.class)::instance);
			assertThat(context.getBean(Counts.class).of("instance")).isEqualTo(2);
		});
	}

	// The default name holds a dot and capitals: as a map key it needs brackets.
	@Test
	void defaultInstanceNameIsSimpleClassNameDotMethod() {
		this.runner.withPropertyValues("async-utils.retry.instances[Guarded.builtIn].max-attempts=1").run((context) -> {
			assertThatExceptionOfType(IllegalStateException.class).isThrownBy(context.getBean(Guarded.class)::builtIn);
			assertThat(context.getBean(Counts.class).of("builtIn")).isEqualTo(1);
		});
	}

	@Test
	void retryOnIsBoundFromAListOfClassNames() {
		this.runner.withPropertyValues("async-utils.retry.instances.io.retry-on=java.io.IOException").run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			Counts counts = context.getBean(Counts.class);
			assertThatExceptionOfType(IllegalStateException.class)
				.isThrownBy(() -> guarded.ioOnly(new IllegalStateException("not retried")));
			assertThat(counts.of("ioOnly")).isEqualTo(1);
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> guarded.ioOnly(new IOException("io")));
			assertThat(counts.of("ioOnly")).isEqualTo(1 + 3);
		});
	}

	@Test
	void builtInTimeoutIsOneSecond() {
		this.runner.run((context) -> {
			TimeoutExceededException ex = catchTimeout(context.getBean(Guarded.class)::timeoutDefault);
			assertThat(ex.timeout()).isEqualTo(Duration.ofSeconds(1));
		});
	}

	@Test
	void timeoutDefaultsPropertyOverridesTheBuiltInDefault() {
		this.runner.withPropertyValues("async-utils.timeout.defaults.duration=40ms").run((context) -> {
			TimeoutExceededException ex = catchTimeout(context.getBean(Guarded.class)::timeoutDefault);
			assertThat(ex.timeout()).isEqualTo(Duration.ofMillis(40));
			assertThat(ex.name()).isEqualTo("Guarded.timeoutDefault");
		});
	}

	@Test
	void timeoutAnnotationOverridesTheDefaultsProperty() {
		this.runner.withPropertyValues("async-utils.timeout.defaults.duration=10s").run((context) -> {
			TimeoutExceededException ex = catchTimeout(context.getBean(Guarded.class)::timeoutAnnotated);
			assertThat(ex.timeout()).isEqualTo(Duration.ofMillis(30));
		});
	}

	@Test
	void timeoutInstancePropertyOverridesTheAnnotation() {
		this.runner.withPropertyValues("async-utils.timeout.instances.quotes.duration=50ms").run((context) -> {
			TimeoutExceededException ex = catchTimeout(context.getBean(Guarded.class)::timeoutNamed);
			assertThat(ex.timeout()).isEqualTo(Duration.ofMillis(50));
			assertThat(ex.name()).isEqualTo("quotes");
		});
	}

	@Test
	void placeholdersInAnnotationAttributesAreResolved() {
		this.runner.withBean(PlaceholderTimeout.class).withPropertyValues("quotes.timeout=35ms").run((context) -> {
			TimeoutExceededException ex = catchTimeout(context.getBean(PlaceholderTimeout.class)::call);
			assertThat(ex.timeout()).isEqualTo(Duration.ofMillis(35));
		});
	}

	private static TimeoutExceededException catchTimeout(ThrowingCallable call) {
		Throwable thrown = catchThrowable(call);
		assertThat(thrown).isInstanceOf(TimeoutExceededException.class);
		return (TimeoutExceededException) thrown;
	}

	@Test
	void schedulerThreadsAreBound() {
		this.runner.withPropertyValues("async-utils.scheduler-threads=3").run((context) -> {
			AsyncUtilsScheduler scheduler = context.getBean(AsyncUtilsScheduler.class);
			assertThat(scheduler.threads()).isEqualTo(3);
		});
	}

	@Test
	void retryOfCompletableFutureRunsOnANamedDaemonWorkerThread() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			assertThat(guarded.asyncRetry().get(5, TimeUnit.SECONDS)).isEqualTo("ok");
			Counts counts = context.getBean(Counts.class);
			assertThat(counts.threads.get("asyncRetry-1")).isSameAs(Thread.currentThread());
			Thread retryThread = counts.threads.get("asyncRetry-2");
			assertThat(retryThread.getName()).matches("async-utils-worker-\\d+");
			assertThat(retryThread.isDaemon()).isTrue();
		});
	}

	@Test
	void cleanupRunsOnANamedDaemonWorkerThread() {
		this.runner.run((context) -> {
			Guarded guarded = context.getBean(Guarded.class);
			CompletableFuture<String> future = guarded.neverCompletes();
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(5, TimeUnit.SECONDS))
				.withCauseInstanceOf(TimeoutExceededException.class);
			Thread cleanupThread = context.getBean(Counts.class).cleanupThread.get(5, TimeUnit.SECONDS);
			assertThat(cleanupThread.getName()).matches("async-utils-worker-\\d+");
			assertThat(cleanupThread.isDaemon()).isTrue();
		});
	}

	@Test
	void schedulerIsShutDownWhenTheContextCloses() {
		AtomicReference<AsyncUtilsScheduler> scheduler = new AtomicReference<>();
		this.runner.run((context) -> {
			scheduler.set(context.getBean(AsyncUtilsScheduler.class));
			assertThat(scheduler.get().isShutdown()).isFalse();
		});
		assertThat(scheduler.get().isShutdown()).isTrue();
		assertThat(scheduler.get().executor().isTerminated()).isTrue();
	}

	@Test
	void existingAopProxyGetsTheAdvisorFirstSoEachAttemptPassesTheOtherInterceptor() {
		this.runner.withUserConfiguration(ExistingProxyConfig.class).run((context) -> {
			Audited audited = context.getBean(Audited.class);
			CountingInterceptor interceptor = context.getBean(AuditingPostProcessor.class).interceptor;
			assertThat(AopUtils.isAopProxy(audited)).isTrue();
			Advised advised = (Advised) audited;
			assertThat(advised.getAdvisors()).hasSize(2);
			assertThat(advised.getAdvisors()[1].getAdvice()).isSameAs(interceptor);
			assertThat(AopUtils.isAopProxy(advised.getTargetSource().getTarget())).isFalse();

			assertThat(catchThrowable(audited::failing)).isExactlyInstanceOf(IllegalStateException.class);
			Counts counts = context.getBean(Counts.class);
			assertThat(counts.of("failing")).isEqualTo(3);
			assertThat(interceptor.calls.get()).isEqualTo(3);

			assertThat(audited.succeeding()).isEqualTo("ok");
			assertThat(interceptor.calls.get()).isEqualTo(4);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Config {

		@Bean
		Counts counts() {
			return new Counts();
		}

		@Bean
		Guarded guarded(Counts counts) {
			return new Guarded(counts);
		}

		@Bean
		Plain plain() {
			return new Plain();
		}

	}

	static class Counts {

		final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

		final Map<String, Thread> threads = new ConcurrentHashMap<>();

		final CompletableFuture<Thread> cleanupThread = new CompletableFuture<>();

		int increment(String method) {
			int count = this.calls.computeIfAbsent(method, (key) -> new AtomicInteger()).incrementAndGet();
			this.threads.put(method + "-" + count, Thread.currentThread());
			return count;
		}

		int of(String method) {
			AtomicInteger count = this.calls.get(method);
			return (count != null) ? count.get() : 0;
		}

	}

	static class Plain {

		public String call() {
			return "plain";
		}

	}

	static class Guarded {

		private final Counts counts;

		Guarded(Counts counts) {
			this.counts = counts;
		}

		@Retry(delay = "1ms")
		public String builtIn() {
			throw new IllegalStateException("builtIn " + this.counts.increment("builtIn"));
		}

		@Retry(maxAttempts = 2, delay = "1ms")
		public String annotated() {
			throw new IllegalStateException("annotated " + this.counts.increment("annotated"));
		}

		@Retry(name = "inventory", maxAttempts = 2, delay = "1ms")
		public String instance() {
			throw new IllegalStateException("instance " + this.counts.increment("instance"));
		}

		@Retry(name = "io", delay = "1ms")
		public String ioOnly(Exception failure) throws Exception {
			this.counts.increment("ioOnly");
			throw failure;
		}

		@Fallback("recover")
		@Retry(maxAttempts = 2, delay = "1ms")
		public String withFallback() {
			throw new IllegalStateException("withFallback " + this.counts.increment("withFallback"));
		}

		private String recover() {
			return "fallback";
		}

		@Timeout
		public String timeoutDefault() throws InterruptedException {
			Thread.sleep(10_000);
			return "late";
		}

		@Timeout("30ms")
		public String timeoutAnnotated() throws InterruptedException {
			Thread.sleep(10_000);
			return "late";
		}

		@Timeout(value = "10s", name = "quotes")
		public String timeoutNamed() throws InterruptedException {
			Thread.sleep(10_000);
			return "late";
		}

		@Retry(maxAttempts = 2, delay = "5ms")
		public CompletableFuture<String> asyncRetry() {
			if (this.counts.increment("asyncRetry") == 1) {
				return CompletableFuture.failedFuture(new IllegalStateException("first"));
			}
			return CompletableFuture.completedFuture("ok");
		}

		@Timeout(value = "20ms", cleanup = "cleanup")
		public CompletableFuture<String> neverCompletes() {
			return new CompletableFuture<>();
		}

		private void cleanup() {
			this.counts.cleanupThread.complete(Thread.currentThread());
		}

	}

	static class PlaceholderTimeout {

		@Timeout("${quotes.timeout}")
		public String call() throws InterruptedException {
			Thread.sleep(10_000);
			return "late";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ExistingProxyConfig {

		@Bean
		static AuditingPostProcessor auditingPostProcessor() {
			return new AuditingPostProcessor();
		}

		@Bean
		Audited audited(Counts counts) {
			return new Audited(counts);
		}

	}

	/**
	 * Stands for another proxy-creating post-processor (transactions, security): runs
	 * before ours and makes {@link Audited} an AOP proxy.
	 */
	static class AuditingPostProcessor implements BeanPostProcessor, Ordered {

		final CountingInterceptor interceptor = new CountingInterceptor();

		@Override
		public Object postProcessAfterInitialization(Object bean, String beanName) {
			if (bean instanceof Audited) {
				ProxyFactory factory = new ProxyFactory(bean);
				factory.setProxyTargetClass(true);
				factory.addAdvice(this.interceptor);
				return factory.getProxy();
			}
			return bean;
		}

		@Override
		public int getOrder() {
			return 0;
		}

	}

	static class CountingInterceptor implements MethodInterceptor {

		final AtomicInteger calls = new AtomicInteger();

		@Override
		public Object invoke(MethodInvocation invocation) throws Throwable {
			this.calls.incrementAndGet();
			return invocation.proceed();
		}

	}

	static class Audited {

		private final Counts counts;

		Audited(Counts counts) {
			this.counts = counts;
		}

		@Retry(delay = "1ms")
		public String failing() {
			throw new IllegalStateException("failing " + this.counts.increment("failing"));
		}

		@Retry(delay = "1ms")
		public String succeeding() {
			return "ok";
		}

	}

}
