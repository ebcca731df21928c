package dev.asyncutils.core;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import org.springframework.aop.SpringProxy;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.GeneratedFiles.Kind;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.ReflectionHintsPredicates;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.core.DecoratingProxy;
import org.springframework.javapoet.ClassName;
import org.springframework.util.ReflectionUtils;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.annotation.Timeout;
import dev.asyncutils.autoconfigure.AsyncUtilsAutoConfiguration;
import dev.asyncutils.autoconfigure.AsyncUtilsProperties;
import dev.asyncutils.batch.BatchProperties;
import dev.asyncutils.bounded.BoundedProperties;
import dev.asyncutils.retry.RetryProperties;
import dev.asyncutils.throttle.ThrottleProperties;
import dev.asyncutils.timeout.TimeoutProperties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Native-image support: the runtime hints of
 * {@link AsyncUtilsBeanRegistrationAotProcessor} (methods called reflectively, types
 * searched for annotations), the proxy classes created at build time by
 * {@link AsyncUtilsBeanPostProcessor#determineBeanType} and matching the runtime ones,
 * and a whole ahead-of-time run of the auto-configuration.
 */
class AotHintsTests {

	private static final ReflectionHintsPredicates reflection = RuntimeHintsPredicates.reflection();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(AsyncUtilsAutoConfiguration.class));

	@Test
	void fallbackAndCleanupMethodsOfAnyVisibilityCanBeInvoked() throws Exception {
		RuntimeHints hints = hintsFor(Orders.class);
		assertThat(hints).matches(invocable(Orders.class, "recover", String.class))
			.matches(invocable(Orders.class, "recover", String.class, Throwable.class))
			.matches(invocable(Orders.class, "abort"));
		assertThat(Modifier.isPrivate(Orders.class.getDeclaredMethod("abort").getModifiers())).isTrue();
	}

	@Test
	void guardedMethodsCanBeInvokedAndOthersAreLeftAlone() {
		RuntimeHints hints = hintsFor(Orders.class);
		assertThat(hints).matches(invocable(Orders.class, "place", String.class))
			.matches(invocable(Orders.class, "slow"))
			.doesNotMatch(invocable(Orders.class, "unguarded"));
		assertThat(hints).matches(reflection.onType(Orders.class));
	}

	@Test
	void onlyTheAnnotationTypesInUseAreRegistered() {
		RuntimeHints hints = hintsFor(Orders.class);
		for (Class<?> used : List.of(Fallback.class, Retry.class, Timeout.class)) {
			assertThat(hints).as(used.getSimpleName())
				.matches(reflection.onType(used).withMemberCategory(MemberCategory.INVOKE_DECLARED_METHODS));
		}
		assertThat(hints).doesNotMatch(reflection.onType(Bounded.class))
			.doesNotMatch(reflection.onType(Throttle.class));
	}

	@Test
	void inheritedAnnotationsAndMethodsAreCovered() {
		RuntimeHints hints = hintsFor(CatalogService.class);
		assertThat(hints).matches(reflection.onType(CatalogService.class))
			.matches(reflection.onType(CatalogBase.class))
			.matches(reflection.onType(Catalog.class));
		assertThat(hints).matches(invocable(CatalogService.class, "lookup", String.class))
			.matches(invocable(Catalog.class, "lookup", String.class))
			.matches(invocable(CatalogBase.class, "price", String.class))
			.matches(invocable(CatalogBase.class, "offline", String.class));
		assertThat(hints).matches(reflection.onType(Retry.class)).matches(reflection.onType(Fallback.class));
	}

	@Test
	void typeLevelAnnotationCoversPublicMethodsOnly() {
		RuntimeHints hints = hintsFor(Reports.class);
		assertThat(hints).matches(invocable(Reports.class, "daily"))
			.matches(invocable(Reports.class, "weekly"))
			.matches(invocable(Reports.class, "cancel"))
			.doesNotMatch(invocable(Reports.class, "internal"));
	}

	@Test
	void composedAnnotationsAreRegisteredWithOurs() {
		RuntimeHints hints = hintsFor(Composed.class);
		assertThat(hints).matches(invocable(Composed.class, "call"))
			.matches(reflection.onType(TwiceRetried.class).withMemberCategory(MemberCategory.INVOKE_DECLARED_METHODS))
			.matches(reflection.onType(Retry.class).withMemberCategory(MemberCategory.INVOKE_DECLARED_METHODS));
	}

	@Test
	void beanWithoutOurAnnotationsGetsNoContribution() {
		assertThat(contribution(Plain.class)).isNull();
		assertThat(contribution(Orders.class)).isNotNull();
	}

	@Test
	void proxyClassDeterminedAheadOfTimeIsTheOneUsedAtRuntime() {
		this.runner.withUserConfiguration(RuntimeConfig.class).run((context) -> {
			assertThat(context).hasNotFailed();
			AsyncUtilsBeanPostProcessor postProcessor = context.getBean(AsyncUtilsBeanPostProcessor.class);
			Orders orders = context.getBean(Orders.class);
			Class<?> determined = postProcessor.determineBeanType(Orders.class, "orders");
			assertThat(determined).isNotEqualTo(Orders.class).isSameAs(orders.getClass());
			assertThat(orders.place("7")).isEqualTo("later: 7 (down 7)");
			Greeter greeter = context.getBean(Greeter.class);
			Class<?> greeterProxy = postProcessor.determineBeanType(FinalGreeter.class, "greeter");
			assertThat(Proxy.isProxyClass(greeterProxy)).isTrue();
			assertThat(greeterProxy).isSameAs(greeter.getClass());
		});
	}

	@Test
	void plainExistingProxyAndUnproxyableClassesKeepTheirType() {
		this.runner.withUserConfiguration(RuntimeConfig.class).run((context) -> {
			AsyncUtilsBeanPostProcessor postProcessor = context.getBean(AsyncUtilsBeanPostProcessor.class);
			assertThat(postProcessor.determineBeanType(Plain.class, "plain")).isSameAs(Plain.class);
			ProxyFactory existing = new ProxyFactory(new Orders());
			existing.setProxyTargetClass(true);
			Class<?> existingProxy = existing.getProxy().getClass();
			assertThat(postProcessor.determineBeanType(existingProxy, "orders")).isSameAs(existingProxy);
			assertThat(postProcessor.determineBeanType(FinalWithoutInterface.class, "final"))
				.isSameAs(FinalWithoutInterface.class);
		});
	}

	@Test
	void everyInstanceOfABeanClassSharesOneProxyClass() {
		this.runner.withUserConfiguration(PrototypeConfig.class).run((context) -> {
			assertThat(context).hasNotFailed();
			Counter first = context.getBean(Counter.class);
			Counter second = context.getBean(Counter.class);
			assertThat(first).isNotSameAs(second);
			assertThat(second.getClass()).isSameAs(first.getClass()).isNotEqualTo(Counter.class);
			assertThat(first.next()).isEqualTo(1);
			assertThat(second.next()).isEqualTo(1);
		});
	}

	@Test
	void aheadOfTimeProcessingOfTheAutoConfiguration() throws Exception {
		DefaultGenerationContext generationContext = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get(AotHintsTests.class)), new InMemoryGeneratedFiles());
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext()) {
			context.register(AsyncUtilsAutoConfiguration.class, AotConfig.class);
			new ApplicationContextAotGenerator().processAheadOfTime(context, generationContext);
		}
		RuntimeHints hints = generationContext.getRuntimeHints();
		// the CGLIB proxy class is written out with the generated code, and it is the
		// class the runtime uses
		InMemoryGeneratedFiles files = (InMemoryGeneratedFiles) generationContext.getGeneratedFiles();
		String proxyPrefix = AotOnly.class.getName().replace('.', '/') + "$$SpringCGLIB$$";
		List<String> proxyFiles = files.getGeneratedFiles(Kind.CLASS)
			.keySet()
			.stream()
			.filter((path) -> path.startsWith(proxyPrefix))
			.toList();
		assertThat(proxyFiles).hasSize(1);
		String proxyClassName = proxyFiles.get(0).replace('/', '.').replace(".class", "");
		assertThat(hints).matches(reflection.onType(TypeReference.of(proxyClassName)));
		this.runner.withUserConfiguration(AotConfig.class).run((context) -> {
			AotOnly bean = context.getBean(AotOnly.class);
			assertThat(bean.getClass().getName()).isEqualTo(proxyClassName);
			assertThat(bean.call()).isEqualTo("fallback after IllegalStateException");
		});
		// what our processor adds (Spring covers the methods declared by the proxied
		// class itself, not by its superclasses)
		assertThat(hints).matches(invocable(AotBase.class, "fallback", Throwable.class))
			.matches(reflection.onType(Retry.class).withMemberCategory(MemberCategory.INVOKE_DECLARED_METHODS));
		// an interface-based proxy for a final class
		assertThat(hints).matches(RuntimeHintsPredicates.proxies()
			.forInterfaces(Greeter.class, SpringProxy.class, Advised.class, DecoratingProxy.class));
		assertThat(hints).matches(invocable(Greeter.class, "greet"));
		// Spring Boot binds every property class, nested ones in other packages included
		for (Class<?> type : List.of(AsyncUtilsProperties.class, AsyncUtilsProperties.Metrics.class,
				RetryProperties.class, RetryProperties.Spec.class, TimeoutProperties.class,
				TimeoutProperties.Spec.class, ThrottleProperties.class, ThrottleProperties.Spec.class,
				BoundedProperties.class, BoundedProperties.Spec.class, BatchProperties.class)) {
			assertThat(hints).as(type.getName()).matches(reflection.onType(type));
			for (Method method : type.getDeclaredMethods()) {
				if (Modifier.isPublic(method.getModifiers()) && method.getName().matches("(get|set|is)[A-Z].*")) {
					assertThat(hints).as(method.toString()).matches(reflection.onMethodInvocation(method));
				}
			}
		}
		for (Class<?> spec : List.of(RetryProperties.Spec.class, TimeoutProperties.Spec.class,
				ThrottleProperties.Spec.class, BoundedProperties.Spec.class)) {
			// map values are created by the binder
			assertThat(hints).as(spec.getName())
				.matches(reflection.onConstructorInvocation(spec.getDeclaredConstructor()));
		}
	}

	private static RuntimeHints hintsFor(Class<?> beanClass) {
		BeanRegistrationAotContribution contribution = contribution(beanClass);
		assertThat(contribution).isNotNull();
		DefaultGenerationContext generationContext = new DefaultGenerationContext(
				new ClassNameGenerator(ClassName.get(beanClass)), new InMemoryGeneratedFiles());
		// the contribution registers hints only and writes no code
		contribution.applyTo(generationContext, null);
		return generationContext.getRuntimeHints();
	}

	private static BeanRegistrationAotContribution contribution(Class<?> beanClass) {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerBeanDefinition("bean", new RootBeanDefinition(beanClass));
		return new AsyncUtilsBeanRegistrationAotProcessor().processAheadOfTime(RegisteredBean.of(beanFactory, "bean"));
	}

	private static Predicate<RuntimeHints> invocable(Class<?> type, String name, Class<?>... parameterTypes) {
		Method method = ReflectionUtils.findMethod(type, name, parameterTypes);
		assertThat(method).as(type.getSimpleName() + "." + name + Arrays.toString(parameterTypes)).isNotNull();
		return reflection.onMethodInvocation(method);
	}

	static class Orders {

		@Fallback("recover")
		@Retry(delay = "1ms", maxAttempts = 2)
		public String place(String id) {
			throw new IllegalStateException("down " + id);
		}

		private String recover(String id) {
			return "never: " + id;
		}

		private String recover(String id, Throwable failure) {
			return "later: " + id + " (" + failure.getMessage() + ")";
		}

		@Timeout(value = "1s", cleanup = "abort")
		public String slow() {
			return "slow";
		}

		private void abort() {
		}

		public String unguarded() {
			return "plain";
		}

	}

	interface Catalog {

		@Retry(maxAttempts = 2)
		String lookup(String sku);

	}

	abstract static class CatalogBase {

		@Fallback("offline")
		public String price(String sku) {
			throw new IllegalStateException("no price for " + sku);
		}

		protected String offline(String sku) {
			return "offline";
		}

	}

	static class CatalogService extends CatalogBase implements Catalog {

		@Override
		public String lookup(String sku) {
			return sku;
		}

	}

	@Timeout(value = "1s", cleanup = "cancel")
	static class Reports {

		public String daily() {
			return "daily";
		}

		public String weekly() {
			return "weekly";
		}

		String internal() {
			return "internal";
		}

		private void cancel() {
		}

	}

	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.METHOD)
	@Retry(maxAttempts = 2)
	@interface TwiceRetried {

	}

	static class Composed {

		@TwiceRetried
		public String call() {
			return "composed";
		}

	}

	static class Plain {

		public String call() {
			return "plain";
		}

	}

	interface Greeter {

		String greet();

	}

	static final class FinalGreeter implements Greeter {

		@Override
		@Retry(delay = "1ms")
		public String greet() {
			return "hello";
		}

	}

	static final class FinalWithoutInterface {

		@Retry
		public String call() {
			return "x";
		}

	}

	static class Counter {

		private final AtomicInteger count = new AtomicInteger();

		@Retry(delay = "1ms")
		public int next() {
			return this.count.incrementAndGet();
		}

	}

	abstract static class AotBase {

		protected String fallback(Throwable failure) {
			return "fallback after " + failure.getClass().getSimpleName();
		}

	}

	/**
	 * Used by the ahead-of-time run only, so that its proxy class is first created there.
	 */
	static class AotOnly extends AotBase {

		@Fallback("fallback")
		@Retry(delay = "1ms", maxAttempts = 2)
		public String call() {
			throw new IllegalStateException("down");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RuntimeConfig {

		@Bean
		Orders orders() {
			return new Orders();
		}

		@Bean
		FinalGreeter greeter() {
			return new FinalGreeter();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrototypeConfig {

		@Bean
		@Scope("prototype")
		Counter counter() {
			return new Counter();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class AotConfig {

		@Bean
		AotOnly aotOnly() {
			return new AotOnly();
		}

		@Bean
		FinalGreeter aotGreeter() {
			return new FinalGreeter();
		}

	}

}
