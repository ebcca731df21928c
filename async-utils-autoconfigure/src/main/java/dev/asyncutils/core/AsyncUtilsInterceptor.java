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

	/**
	 * The policies by the identity of the {@code Method} objects proxies pass (each proxy
	 * class holds one per method), filled on first use: a call compares references
	 * instead of method signatures.
	 */
	private volatile IdentityTable seen = IdentityTable.EMPTY;

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
		Object found = this.seen.find(method);
		if (found != null) {
			return (found != IdentityTable.NONE) ? (MethodPolicy) found : null;
		}
		MethodPolicy policy = resolve(method);
		synchronized (this) {
			// proxies pass one Method object per method; a bound keeps callers that
			// pass fresh copies from growing the table
			if (this.seen.size < IdentityTable.MAX_SIZE) {
				this.seen = this.seen.with(method, (policy != null) ? policy : IdentityTable.NONE);
			}
		}
		return policy;
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

	/**
	 * An immutable open-addressing table keyed by reference; replaced, never changed.
	 */
	private static final class IdentityTable {

		static final Object NONE = new Object();

		static final int MAX_SIZE = 1024;

		static final IdentityTable EMPTY = new IdentityTable(new Object[2], new Object[2], 0);

		private final Object[] keys;

		private final Object[] values;

		private final int size;

		private IdentityTable(Object[] keys, Object[] values, int size) {
			this.keys = keys;
			this.values = values;
			this.size = size;
		}

		@Nullable Object find(Object key) {
			Object[] keys = this.keys;
			int mask = keys.length - 1;
			for (int i = System.identityHashCode(key) & mask;; i = (i + 1) & mask) {
				Object candidate = keys[i];
				if (candidate == key) {
					return this.values[i];
				}
				if (candidate == null) {
					return null;
				}
			}
		}

		IdentityTable with(Object key, Object value) {
			if (find(key) != null) {
				return this;
			}
			int capacity = this.keys.length;
			while (capacity < (this.size + 1) * 2) {
				capacity *= 2;
			}
			Object[] keys = new Object[capacity];
			Object[] values = new Object[capacity];
			for (int i = 0; i < this.keys.length; i++) {
				if (this.keys[i] != null) {
					put(keys, values, this.keys[i], this.values[i]);
				}
			}
			put(keys, values, key, value);
			return new IdentityTable(keys, values, this.size + 1);
		}

		private static void put(Object[] keys, Object[] values, Object key, Object value) {
			int mask = keys.length - 1;
			int i = System.identityHashCode(key) & mask;
			while (keys[i] != null) {
				i = (i + 1) & mask;
			}
			keys[i] = key;
			values[i] = value;
		}

	}

}
