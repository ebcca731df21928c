package dev.asyncutils.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.core.task.SimpleAsyncTaskExecutor;

import dev.asyncutils.AsyncUtils;
import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.CircuitBreaker;
import dev.asyncutils.annotation.Debounce;
import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.batch.BatchProcessor;
import dev.asyncutils.batch.DefaultBatchProcessor;
import dev.asyncutils.backend.BoundedBackend;
import dev.asyncutils.bounded.BoundedFeature;
import dev.asyncutils.bounded.BoundedRegistry;
import dev.asyncutils.circuitbreaker.CircuitBreakerFeature;
import dev.asyncutils.circuitbreaker.CircuitBreakerRegistry;
import dev.asyncutils.core.AsyncUtilsBeanPostProcessor;
import dev.asyncutils.core.AsyncUtilsScheduler;
import dev.asyncutils.core.PolicyFeature;
import dev.asyncutils.debounce.DebounceFeature;
import dev.asyncutils.fallback.FallbackFeature;
import dev.asyncutils.observe.CallObservations;
import dev.asyncutils.observe.SignalsBinder;
import dev.asyncutils.retry.RetryFeature;
import dev.asyncutils.backend.ThrottleBackend;
import dev.asyncutils.throttle.ThrottleFeature;
import dev.asyncutils.throttle.ThrottleRegistry;
import dev.asyncutils.timeout.TimeoutFeature;

/**
 * Auto-configuration of async-utils: the shared scheduler, one bean per capability, and
 * the post-processor that proxies annotated beans. {@code async-utils.enabled=false}
 * leaves every annotated method plain.
 */
@AutoConfiguration(after = TaskExecutionAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "async-utils.enabled", matchIfMissing = true)
@EnableConfigurationProperties(AsyncUtilsProperties.class)
public final class AsyncUtilsAutoConfiguration {

	/**
	 * Let a blank {@code async-utils.*} property mean "not set".
	 * @return the bind handler advisor
	 */
	@Bean
	static ConfigurationPropertiesBindHandlerAdvisor asyncUtilsEmptyMeansUnset() {
		return new EmptyMeansUnset();
	}

	/**
	 * The post-processor that guards annotated beans. Static, like every post-processor,
	 * so that it does not pull this configuration in early.
	 * @param features the capabilities
	 * @param scheduler the shared scheduler
	 * @param environment where {@code async-utils.order} comes from
	 * @return the post-processor
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static AsyncUtilsBeanPostProcessor asyncUtilsBeanPostProcessor(ObjectProvider<PolicyFeature<?>> features,
			ObjectProvider<AsyncUtilsScheduler> scheduler, Environment environment) {
		AsyncUtilsBeanPostProcessor postProcessor = new AsyncUtilsBeanPostProcessor(List.of(Debounce.class,
				Fallback.class, Retry.class, CircuitBreaker.class, Timeout.class, Bounded.class, Throttle.class),
				features, scheduler);
		// read before the properties bean exists: a post-processor is created first
		postProcessor
			.setAdviceOrder(environment.getProperty("async-utils.order", Integer.class, Ordered.LOWEST_PRECEDENCE));
		return postProcessor;
	}

	/**
	 * Guards for code without annotations, on the same capabilities.
	 * @param postProcessor the post-processor whose resolver builds the chains
	 * @param throttles the throttle instances, for pacing
	 * @return the entry point
	 */
	@Bean
	@ConditionalOnMissingBean(AsyncUtils.class)
	FactoryBean<AsyncUtils> asyncUtils(AsyncUtilsBeanPostProcessor postProcessor, ThrottleRegistry throttles) {
		// through a factory bean: AsyncUtils declares pace(String, Flux), and Spring's
		// post-processors read the methods of a bean's class, which fails without Reactor
		AsyncUtils asyncUtils = new AsyncUtils(postProcessor.guardPolicies("asyncUtils"), throttles);
		return new FactoryBean<>() {

			@Override
			public AsyncUtils getObject() {
				return asyncUtils;
			}

			@Override
			public Class<?> getObjectType() {
				return AsyncUtils.class;
			}

		};
	}

	/**
	 * Binds every instance to the application events (and observations) it signals.
	 * @param publisher publishes the events
	 * @param observations the observation registry, if any
	 * @param retry the retry capability
	 * @param timeout the timeout capability
	 * @param fallback the fallback capability
	 * @param throttles the throttle instances
	 * @param bounded the bounded instances
	 * @param features every capability
	 * @return the binder
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	static SignalsBinder asyncUtilsSignalsBinder(ApplicationEventPublisher publisher,
			ObjectProvider<ObservationRegistry> observations, ObjectProvider<RetryFeature> retry,
			ObjectProvider<TimeoutFeature> timeout, ObjectProvider<FallbackFeature> fallback,
			ObjectProvider<ThrottleRegistry> throttles, ObjectProvider<BoundedRegistry> bounded,
			ObjectProvider<PolicyFeature<?>> features) {
		return new SignalsBinder(publisher, observations, retry, timeout, fallback, throttles, bounded, features);
	}

	/**
	 * Every guarded call as an observation {@code asyncutils.call}, when an
	 * {@code ObservationRegistry} other than the no-op one exists and
	 * {@code async-utils.observations.enabled} is not {@code false}.
	 * @param registry the observation registry
	 * @return the observer
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	@ConditionalOnBooleanProperty(name = "async-utils.observations.enabled", matchIfMissing = true)
	static CallObservations asyncUtilsCallObservations(ObjectProvider<ObservationRegistry> registry) {
		return new CallObservations(registry);
	}

	/**
	 * The scheduler behind every delay and deadline. User code that becomes due runs on
	 * Spring Boot's application task executor (virtual threads when
	 * {@code spring.threads.virtual.enabled=true}); without one, on the only
	 * {@link Executor} bean, or else on threads of its own.
	 * @param properties the properties
	 * @param applicationTaskExecutor Spring Boot's application task executor
	 * @param executors the executors of the context
	 * @return the scheduler, stopped with the context
	 */
	@Bean
	@ConditionalOnMissingBean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	AsyncUtilsScheduler asyncUtilsScheduler(AsyncUtilsProperties properties,
			@Qualifier("applicationTaskExecutor") ObjectProvider<Executor> applicationTaskExecutor,
			ObjectProvider<Executor> executors) {
		int threads = properties.getSchedulerThreads();
		if (threads < 1) {
			throw new InvalidConfigurationPropertyValueException("async-utils.scheduler-threads", threads,
					"must be at least 1");
		}
		return new AsyncUtilsScheduler(threads, () -> applicationTaskExecutor.getIfAvailable(executors::getIfUnique));
	}

	/**
	 * The {@code @Retry} capability.
	 * @param properties the properties
	 * @return the capability
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	RetryFeature asyncUtilsRetryFeature(AsyncUtilsProperties properties) {
		return new RetryFeature(properties.getRetry());
	}

	/**
	 * The {@code @Timeout} capability.
	 * @param properties the properties
	 * @return the capability
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	TimeoutFeature asyncUtilsTimeoutFeature(AsyncUtilsProperties properties) {
		return new TimeoutFeature(properties.getTimeout());
	}

	/**
	 * The {@code @Fallback} capability.
	 * @return the capability
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	FallbackFeature asyncUtilsFallbackFeature() {
		return new FallbackFeature();
	}

	/**
	 * The {@code @Debounce} capability; runs go to Spring Boot's application task
	 * executor (or the only {@link Executor} bean, or else a thread per run).
	 * @param properties the properties
	 * @param applicationTaskExecutor Spring Boot's application task executor
	 * @param executors the executors of the context
	 * @return the capability
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	DebounceFeature asyncUtilsDebounceFeature(AsyncUtilsProperties properties,
			@Qualifier("applicationTaskExecutor") ObjectProvider<Executor> applicationTaskExecutor,
			ObjectProvider<Executor> executors) {
		Executor executor = applicationTaskExecutor.getIfAvailable(executors::getIfUnique);
		return new DebounceFeature(properties.getDebounce(),
				(executor != null) ? executor : new SimpleAsyncTaskExecutor("async-utils-debounce-"));
	}

	/**
	 * Every throttle bucket by name, for use without annotations too.
	 * @param properties the properties
	 * @param backend the remote backend, when a module such as async-utils-redis provides
	 * one
	 * @return the registry
	 */
	@Bean
	@ConditionalOnMissingBean
	ThrottleRegistry throttleRegistry(AsyncUtilsProperties properties, ObjectProvider<ThrottleBackend> backend) {
		return new ThrottleRegistry(properties.getThrottle(), System::nanoTime, backend::getIfAvailable);
	}

	/**
	 * The {@code @Throttle} capability.
	 * @param registry the bucket registry
	 * @param scheduler ends the waiting callers at shutdown
	 * @return the capability
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	ThrottleFeature asyncUtilsThrottleFeature(ThrottleRegistry registry, AsyncUtilsScheduler scheduler) {
		// callers waiting for a permit end when the context begins to close
		scheduler.onShutdown(registry::shutDown);
		return new ThrottleFeature(registry);
	}

	/**
	 * Every bounded limit by name, for use without annotations too.
	 * @param properties the properties
	 * @param backend the remote backend, when a module such as async-utils-redis provides
	 * one
	 * @return the registry
	 */
	@Bean
	@ConditionalOnMissingBean
	BoundedRegistry boundedRegistry(AsyncUtilsProperties properties, ObjectProvider<BoundedBackend> backend) {
		return new BoundedRegistry(properties.getBounded(), backend::getIfAvailable);
	}

	/**
	 * The {@code @Bounded} capability.
	 * @param registry the limit registry
	 * @param scheduler ends the waiting callers at shutdown
	 * @return the capability
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	BoundedFeature asyncUtilsBoundedFeature(BoundedRegistry registry, AsyncUtilsScheduler scheduler) {
		// callers waiting for a slot end when the context begins to close
		scheduler.onShutdown(registry::shutDown);
		return new BoundedFeature(registry);
	}

	/**
	 * Every circuit breaker by name, for reading their state without annotations too.
	 * @param properties the properties
	 * @return the registry
	 */
	@Bean
	@ConditionalOnMissingBean
	CircuitBreakerRegistry circuitBreakerRegistry(AsyncUtilsProperties properties) {
		return new CircuitBreakerRegistry(properties.getCircuitBreaker(), System::nanoTime);
	}

	/**
	 * The {@code @CircuitBreaker} capability.
	 * @param registry the breaker registry
	 * @return the capability
	 */
	@Bean
	@Role(BeanDefinition.ROLE_INFRASTRUCTURE)
	CircuitBreakerFeature asyncUtilsCircuitBreakerFeature(CircuitBreakerRegistry registry) {
		return new CircuitBreakerFeature(registry);
	}

	/**
	 * The batch processor, on Spring Boot's application task executor (virtual threads
	 * when {@code spring.threads.virtual.enabled=true}); without one, on the only
	 * {@link Executor} bean, or else on a thread per item.
	 * @param properties the properties
	 * @param applicationTaskExecutor Spring Boot's application task executor
	 * @param executors the executors of the context
	 * @param scheduler the shared scheduler
	 * @param environment the environment, for the shutdown timeout
	 * @return the processor
	 */
	@Bean
	@ConditionalOnMissingBean
	BatchProcessor batchProcessor(AsyncUtilsProperties properties,
			@Qualifier("applicationTaskExecutor") ObjectProvider<Executor> applicationTaskExecutor,
			ObjectProvider<Executor> executors, AsyncUtilsScheduler scheduler, Environment environment) {
		// bound like Spring Boot binds it ("5s" style too), whatever the environment's
		// conversion service
		Duration shutdownTimeout = Binder.get(environment)
			.bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
			.orElse(Duration.ofSeconds(30));
		Executor executor = applicationTaskExecutor.getIfAvailable(executors::getIfUnique);
		if (executor == null) {
			executor = new SimpleAsyncTaskExecutor("async-utils-batch-");
		}
		return new DefaultBatchProcessor(properties.getBatch().toOptions(), executor, scheduler.executor(),
				scheduler.timer(), shutdownTimeout);
	}

}
