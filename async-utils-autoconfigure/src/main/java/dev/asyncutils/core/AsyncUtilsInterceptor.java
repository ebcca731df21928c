package dev.asyncutils.core;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.framework.AdvisedSupport;
import org.springframework.aop.framework.AdvisedSupportListener;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.BridgeMethodResolver;

/**
 * The interceptor of one bean: looks the invoked method's policy up (resolved at startup)
 * and runs its chain. No reflection and no parsing per call.
 */
final class AsyncUtilsInterceptor implements MethodInterceptor, AdvisedSupportListener {

	private final Class<?> beanClass;

	private final Map<Method, MethodPolicy> policies;

	private final Map<Method, Optional<MethodPolicy>> aliases = new ConcurrentHashMap<>();

	AsyncUtilsInterceptor(Class<?> beanClass, Map<Method, MethodPolicy> policies) {
		this.beanClass = beanClass;
		this.policies = Map.copyOf(policies);
	}

	@Override
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		MethodPolicy policy = policyFor(invocation.getMethod());
		if (policy == null) {
			return invocation.proceed();
		}
		return policy.invoker().invoke(new Call(invocation, policy.callMode()));
	}

	/**
	 * The proxy this interceptor advises was created, or its advisors changed: note, per
	 * method, whether this interceptor is the last advice of the chain.
	 */
	@Override
	public void activated(AdvisedSupport advised) {
		adviceChanged(advised);
	}

	@Override
	public void adviceChanged(AdvisedSupport advised) {
		Class<?> targetClass = advised.getTargetClass();
		this.policies.forEach((method, policy) -> {
			List<Object> chain = advised.getInterceptorsAndDynamicInterceptionAdvice(method, targetClass);
			policy.lastInChain(!chain.isEmpty() && chain.get(chain.size() - 1) == this);
		});
	}

	/**
	 * Return the policy of a method as a proxy sees it: the bean class's own method, or
	 * an interface or bridge method that stands for it.
	 */
	@Nullable MethodPolicy policyFor(Method method) {
		MethodPolicy policy = this.policies.get(method);
		if (policy != null) {
			return policy;
		}
		return this.aliases.computeIfAbsent(method, (alias) -> {
			Method specific = BridgeMethodResolver
				.findBridgedMethod(AopUtils.getMostSpecificMethod(alias, this.beanClass));
			return Optional.ofNullable(this.policies.get(specific));
		}).orElse(null);
	}

}
