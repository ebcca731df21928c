package dev.asyncutils.core;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.Advisor;
import org.springframework.aop.framework.Advised;
import org.springframework.aop.framework.AopInfrastructureBean;
import org.springframework.aop.framework.ProxyFactory;
import org.springframework.aop.framework.ProxyProcessorSupport;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringValueResolver;

/**
 * Gives every bean with async-utils annotations a proxy (or one more advisor on its
 * existing proxy, placed first so that each retry runs the bean's other interceptors,
 * transactions for one, again). The policies of all its methods are resolved and
 * validated while the bean is created, so bad configuration stops the application at
 * startup, never at the first call.
 */
public class AsyncUtilsBeanPostProcessor extends ProxyProcessorSupport
		implements BeanPostProcessor, BeanFactoryAware, SmartInitializingSingleton {

	private static final long serialVersionUID = 1L;

	private final transient List<Class<? extends Annotation>> annotationTypes;

	private final transient Map<Class<?>, Boolean> candidates = new ConcurrentHashMap<>();

	private final transient ObjectProvider<PolicyFeature<?>> features;

	private final transient ObjectProvider<AsyncUtilsScheduler> scheduler;

	private transient @Nullable StringValueResolver placeholders;

	private transient volatile @Nullable PolicyResolver resolver;

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

	@Override
	public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
		if (beanFactory instanceof ConfigurableBeanFactory configurable) {
			this.placeholders = configurable::resolveEmbeddedValue;
		}
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		if (bean instanceof AopInfrastructureBean || bean instanceof PolicyFeature<?>
				|| bean instanceof AsyncUtilsScheduler) {
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
		Advisor advisor = new DefaultPointcutAdvisor(new GuardedMethods(interceptor), interceptor);
		if (bean instanceof Advised advised && !advised.isFrozen() && AopUtils.isAopProxy(bean)) {
			advised.addAdvisor(0, advisor);
			return bean;
		}
		ProxyFactory proxyFactory = new ProxyFactory();
		proxyFactory.copyFrom(this);
		proxyFactory.setTarget(bean);
		if (Modifier.isFinal(bean.getClass().getModifiers())) {
			// a final class (a record, for one) cannot be subclassed: proxy its
			// interfaces
			proxyFactory.setProxyTargetClass(false);
		}
		if (!proxyFactory.isProxyTargetClass()) {
			evaluateProxyInterfaces(bean.getClass(), proxyFactory);
			if (proxyFactory.isProxyTargetClass()) {
				Method guarded = policies.keySet().iterator().next();
				throw new AsyncUtilsConfigurationException(beanName,
						beanClass.getSimpleName() + "." + guarded.getName() + "(..)", "class " + beanClass.getName(),
						null, "is final and implements no interface, so no proxy can guard its methods; "
								+ "make the class non-final or call it through an interface");
			}
		}
		proxyFactory.addAdvisor(advisor);
		return proxyFactory.getProxy(getProxyClassLoader());
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

	private PolicyResolver resolver() {
		PolicyResolver resolver = this.resolver;
		if (resolver == null) {
			synchronized (this) {
				resolver = this.resolver;
				if (resolver == null) {
					List<PolicyFeature<?>> features = this.features.orderedStream().toList();
					resolver = new PolicyResolver(features, this.scheduler.getObject(), this.placeholders);
					this.resolver = resolver;
				}
			}
		}
		return resolver;
	}

	private static final class GuardedMethods extends StaticMethodMatcherPointcut {

		private final AsyncUtilsInterceptor interceptor;

		GuardedMethods(AsyncUtilsInterceptor interceptor) {
			this.interceptor = interceptor;
		}

		@Override
		public boolean matches(Method method, Class<?> targetClass) {
			return this.interceptor.policyFor(method) != null;
		}

	}

}
