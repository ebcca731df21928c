package dev.asyncutils.core;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.aopalliance.aop.Advice;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.framework.ProxyProcessorSupport;
import org.springframework.aop.interceptor.AsyncExecutionInterceptor;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.beans.factory.config.SmartInstantiationAwareBeanPostProcessor;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.annotation.OrderUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringValueResolver;

/**
 * Gives every bean with async-utils annotations a proxy (or one more advisor on its
 * existing proxy, see {@link #setAdviceOrder(int)} for where). The policies of all its
 * methods are resolved and validated while the bean is created, so bad configuration
 * stops the application at startup, never at the first call.
 * <p>
 * Ahead-of-time processing asks {@link #determineBeanType} for the type of every bean:
 * the proxy class is created there, at build time, so that Spring writes it out with the
 * generated sources and a native image finds it (a native image cannot define classes at
 * runtime). Every proxy of the same bean class shares one proxy class.
 */
public class AsyncUtilsBeanPostProcessor extends ProxyProcessorSupport
		implements SmartInstantiationAwareBeanPostProcessor, BeanFactoryAware, SmartInitializingSingleton {

	private static final long serialVersionUID = 1L;

	private final transient List<Class<? extends Annotation>> annotationTypes;

	private final transient Map<Class<?>, Boolean> candidates = new ConcurrentHashMap<>();

	private final transient ObjectProvider<PolicyFeature<?>> features;

	private final transient ObjectProvider<AsyncUtilsScheduler> scheduler;

	private transient @Nullable StringValueResolver placeholders;

	private transient volatile @Nullable PolicyResolver resolver;

	private transient @Nullable ObjectProvider<CallObserver> observers;

	private int adviceOrder = Ordered.LOWEST_PRECEDENCE;

	/**
	 * Create the post-processor.
	 * @param annotationTypes the annotations that make a bean a candidate
	 * @param features the capabilities, looked up on first use
	 * @param scheduler the shared scheduler, looked up on first use
	 */
	public AsyncUtilsBeanPostProcessor(List<Class<? extends Annotation>> annotationTypes,
			ObjectProvider<PolicyFeature<?>> features, ObjectProvider<AsyncUtilsScheduler> scheduler) {
		this.annotationTypes = List.copyOf(annotationTypes);
		this.features = features;
		this.scheduler = scheduler;
		setProxyTargetClass(true);
	}

	/**
	 * Set the order of our advice among the other advisors of a bean (Spring's order:
	 * lower values run outside higher ones). On an existing proxy our advisor goes in
	 * front of the first advisor that runs inside it: one with a higher order value, or,
	 * at the same order, any advisor but caching's. So with the default,
	 * {@link Ordered#LOWEST_PRECEDENCE}, caching ({@code @Cacheable}: a hit takes no
	 * permit and no attempt) runs outside and {@code @Transactional} inside (each attempt
	 * gets a transaction of its own). {@code @Async} always runs outside: the guards then
	 * run on the executor's thread.
	 * @param adviceOrder the order ({@code async-utils.order})
	 */
	public void setAdviceOrder(int adviceOrder) {
		this.adviceOrder = adviceOrder;
	}

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		if (beanFactory instanceof ConfigurableBeanFactory configurable) {
			this.placeholders = configurable::resolveEmbeddedValue;
		}
		this.observers = beanFactory.getBeanProvider(CallObserver.class);
	}

	/**
	 * Return the proxy class that {@link #postProcessAfterInitialization} will create for
	 * a bean of the given class. Only ahead-of-time processing calls this: it makes
	 * Spring generate the proxy class at build time.
	 * @param beanClass the bean's type, possibly already a proxy class
	 * @param beanName the bean's name
	 * @return the proxy class, or {@code beanClass} if the bean gets no new proxy
	 */
	@Override
	public Class<?> determineBeanType(Class<?> beanClass, String beanName) {
		if (Advised.class.isAssignableFrom(beanClass) || isExcluded(beanClass)) {
			// an existing proxy gets one more advisor, no new class
			return beanClass;
		}
		Class<?> userClass = ClassUtils.getUserClass(beanClass);
		if (!this.candidates.computeIfAbsent(userClass, this::hasAnnotations)) {
			return beanClass;
		}
		ProxyFactory proxyFactory = new ProxyFactory();
		proxyFactory.setTargetClass(beanClass);
		if (!prepare(proxyFactory, beanClass, new AsyncUtilsInterceptor(userClass, Map.of()))) {
			// a final class without interfaces: the startup reports it
			return beanClass;
		}
		return proxyFactory.getProxyClass(getProxyClassLoader());
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		if (isExcluded(bean.getClass())) {
			return bean;
		}
		Class<?> beanClass = ClassUtils.getUserClass(AopUtils.getTargetClass(bean));
		if (!this.candidates.computeIfAbsent(beanClass, this::hasAnnotations)) {
			return bean;
		}
		Map<Method, MethodPolicy> policies = resolver().resolve(beanName, beanClass);
		if (policies.isEmpty()) {
			return bean;
		}
		AsyncUtilsInterceptor interceptor = new AsyncUtilsInterceptor(beanClass, policies);
		if (bean instanceof Advised advised && !advised.isFrozen() && AopUtils.isAopProxy(bean)) {
			advised.addAdvisor(insertionIndex(advised.getAdvisors(), this.adviceOrder), advisor(interceptor));
			return bean;
		}
		ProxyFactory proxyFactory = new ProxyFactory();
		proxyFactory.setTarget(bean);
		if (!prepare(proxyFactory, bean.getClass(), interceptor)) {
			Method guarded = policies.keySet().iterator().next();
			throw new AsyncUtilsConfigurationException(beanName,
					beanClass.getSimpleName() + "." + guarded.getName() + "(..)", "class " + beanClass.getName(), null,
					"is final and implements no interface, so no proxy can guard its methods; "
							+ "make the class non-final or call it through an interface");
		}
		// learn, per method, whether the interceptor stays the last advice (advisors
		// added later by other post-processors tell it too); an interceptor added to
		// someone else's proxy above is never told, and always copies invocations
		proxyFactory.addListener(interceptor);
		return proxyFactory.getProxy(getProxyClassLoader());
	}

	/**
	 * Configure a proxy factory for a bean of the given class, the same way at runtime
	 * and ahead of time, so that both arrive at the same proxy class.
	 * @return {@code false} if the class can be proxied neither by subclassing nor
	 * through interfaces
	 */
	private boolean prepare(ProxyFactory proxyFactory, Class<?> type, AsyncUtilsInterceptor interceptor) {
		proxyFactory.copyFrom(this);
		if (Modifier.isFinal(type.getModifiers())) {
			// a final class (a record, for one) cannot be subclassed: proxy its
			// interfaces
			proxyFactory.setProxyTargetClass(false);
		}
		if (!proxyFactory.isProxyTargetClass()) {
			evaluateProxyInterfaces(type, proxyFactory);
			if (proxyFactory.isProxyTargetClass()) {
				return false;
			}
		}
		proxyFactory.addAdvisor(advisor(interceptor));
		return true;
	}

	private Advisor advisor(AsyncUtilsInterceptor interceptor) {
		DefaultPointcutAdvisor advisor = new DefaultPointcutAdvisor(new GuardedMethods(interceptor), interceptor);
		advisor.setOrder(this.adviceOrder);
		return advisor;
	}

	/**
	 * Where our advisor goes among a proxy's advisors (outermost first): in front of the
	 * first one that runs inside ours.
	 */
	static int insertionIndex(Advisor[] advisors, int order) {
		for (int i = 0; i < advisors.length; i++) {
			if (runsInside(advisors[i], order)) {
				return i;
			}
		}
		return advisors.length;
	}

	private static boolean runsInside(Advisor advisor, int order) {
		Advice advice = advisor.getAdvice();
		if (advice instanceof AsyncExecutionInterceptor) {
			return false;
		}
		int theirs = (advisor instanceof Ordered ordered) ? ordered.getOrder()
				: OrderUtils.getOrder(advisor.getClass(), Ordered.LOWEST_PRECEDENCE);
		return (theirs != order) ? theirs > order : !isCaching(advice);
	}

	private static boolean isCaching(Advice advice) {
		for (Class<?> type = advice.getClass(); type != null; type = type.getSuperclass()) {
			if (type.getName().equals("org.springframework.cache.interceptor.CacheAspectSupport")
					|| type.getName().equals("org.springframework.cache.jcache.interceptor.JCacheAspectSupport")) {
				return true;
			}
		}
		return false;
	}

	private static boolean isExcluded(Class<?> type) {
		// AsyncUtils declares pace(String, Flux): reading its methods without Reactor on
		// the classpath would fail, and it has nothing to guard
		return AopInfrastructureBean.class.isAssignableFrom(type) || PolicyFeature.class.isAssignableFrom(type)
				|| AsyncUtilsScheduler.class.isAssignableFrom(type)
				|| dev.asyncutils.AsyncUtils.class.isAssignableFrom(type);
	}

	@Override
	public void afterSingletonsInstantiated() {
		resolver().reportUnusedInstances();
	}

	private boolean hasAnnotations(Class<?> beanClass) {
		if (!AnnotationUtils.isCandidateClass(beanClass, this.annotationTypes)) {
			return false;
		}
		for (Class<? extends Annotation> type : this.annotationTypes) {
			if (AnnotatedElementUtils.hasAnnotation(beanClass, type)) {
				return true;
			}
		}
		for (Method method : ReflectionUtils.getUniqueDeclaredMethods(beanClass,
				ReflectionUtils.USER_DECLARED_METHODS)) {
			for (Class<? extends Annotation> type : this.annotationTypes) {
				if (AnnotatedElementUtils.hasAnnotation(method, type)) {
					return true;
				}
			}
		}
		return false;
	}

	/**
	 * Return the builder of programmatic guards' policies, on the same capabilities and
	 * resolver as the annotated methods (so unused-instance warnings know guards too).
	 * @param beanName the bean that builds guards, for messages
	 * @return the guard policies
	 */
	public GuardPolicies guardPolicies(String beanName) {
		return new GuardPolicies(resolver(), beanName);
	}

	private PolicyResolver resolver() {
		PolicyResolver resolver = this.resolver;
		if (resolver == null) {
			synchronized (this) {
				resolver = this.resolver;
				if (resolver == null) {
					List<PolicyFeature<?>> features = this.features.orderedStream().toList();
					ObjectProvider<CallObserver> observers = this.observers;
					resolver = new PolicyResolver(features, this.scheduler.getObject(), this.placeholders,
							(observers != null) ? observers.orderedStream().toList() : List.of());
					this.resolver = resolver;
				}
			}
		}
		return resolver;
	}

	/**
	 * The methods of one bean that have a policy. Its {@code toString} is the same for
	 * every bean: the proxy class cache keys on it, and all proxies of a bean class can
	 * share a class because each proxy asks its own interceptor at call time.
	 */
	private static final class GuardedMethods extends StaticMethodMatcherPointcut {

		private final AsyncUtilsInterceptor interceptor;

		GuardedMethods(AsyncUtilsInterceptor interceptor) {
			this.interceptor = interceptor;
		}

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			return this.interceptor.policyFor(method) != null;
		}

		@Override
		public String toString() {
			return GuardedMethods.class.getName();
		}

	}

}
