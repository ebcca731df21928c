package dev.asyncutils.core;

import java.lang.reflect.Method;
import java.util.IdentityHashMap;
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

	private static final int MAX_SEEN = 1024;

	/**
	 * The policies by the identity of the {@code Method} objects proxies pass (each proxy
	 * class holds one per method), filled on first use: a call compares references
	 * instead of method signatures. Replaced on every addition, never changed, so it is
	 * read without a lock.
	 */
	private volatile IdentityHashMap<Method, Optional<MethodPolicy>> seen = new IdentityHashMap<>();

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
		// what policy.invoke does, one frame less for the compiler's inlining depth
		return policy.invoker().invoke(policy.call(invocation));
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
		Optional<MethodPolicy> found = this.seen.get(method);
		if (found != null) {
			return found.orElse(null);
		}
		Optional<MethodPolicy> policy = Optional.ofNullable(resolve(method));
		synchronized (this) {
			// proxies pass one Method object per method; a bound keeps callers that
			// pass fresh copies from growing the table
			if (this.seen.size() < MAX_SEEN) {
				IdentityHashMap<Method, Optional<MethodPolicy>> seen = new IdentityHashMap<>(this.seen);
				seen.put(method, policy);
				this.seen = seen;
			}
		}
		return policy.orElse(null);
	}

	private @Nullable MethodPolicy resolve(Method method) {
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
