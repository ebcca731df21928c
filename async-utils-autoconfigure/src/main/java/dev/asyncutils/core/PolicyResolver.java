package dev.asyncutils.core;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ReflectionUtils;
import org.springframework.util.StringValueResolver;

/**
 * Finds the annotated methods of a bean class and builds each one's policy chain, in the
 * fixed nesting order of the capabilities. Everything a call needs is decided here, once.
 */
final class PolicyResolver {

	private static final Log logger = LogFactory.getLog(PolicyResolver.class);

	private final List<PolicyFeature<?>> features;

	private final AsyncUtilsScheduler scheduler;

	private final @Nullable StringValueResolver placeholders;

	private final Map<String, Set<String>> usedInstances = new ConcurrentHashMap<>();

	private final List<CallObserver> observers;

	PolicyResolver(List<PolicyFeature<?>> features, AsyncUtilsScheduler scheduler,
			@Nullable StringValueResolver placeholders) {
		this(features, scheduler, placeholders, List.of());
	}

	PolicyResolver(List<PolicyFeature<?>> features, AsyncUtilsScheduler scheduler,
			@Nullable StringValueResolver placeholders, List<CallObserver> observers) {
		this.observers = List.copyOf(observers);
		List<PolicyFeature<?>> sorted = new ArrayList<>(features);
		sorted.sort((a, b) -> Integer.compare(a.order(), b.order()));
		this.features = List.copyOf(sorted);
		this.scheduler = scheduler;
		this.placeholders = placeholders;
	}

	/**
	 * Resolve the policies of every guarded method of a bean.
	 * @return the policies by method, empty if none is guarded
	 * @throws AsyncUtilsConfigurationException on bad input
	 */
	Map<Method, MethodPolicy> resolve(String beanName, Class<?> beanClass) {
		Map<Method, MethodPolicy> policies = new HashMap<>();
		for (Method method : ReflectionUtils.getUniqueDeclaredMethods(beanClass,
				ReflectionUtils.USER_DECLARED_METHODS)) {
			MethodPolicy policy = resolve(beanName, beanClass, method);
			if (policy != null) {
				policies.put(method, policy);
			}
		}
		return policies;
	}

	private @Nullable MethodPolicy resolve(String beanName, Class<?> beanClass, Method method) {
		List<Found<?>> found = new ArrayList<>(this.features.size());
		boolean anyOnMethod = false;
		for (PolicyFeature<?> feature : this.features) {
			Found<?> annotation = find(feature, beanClass, method);
			if (annotation != null) {
				found.add(annotation);
				anyOnMethod |= annotation.onMethod();
			}
		}
		if (found.isEmpty()) {
			return null;
		}
		String first = "@" + found.get(0).feature().annotationType().getSimpleName();
		MethodContext probe = new MethodContext(beanName, beanClass, method, ReturnKind.PLAIN, this.placeholders,
				this.scheduler, this::instanceUsed);
		int modifiers = method.getModifiers();
		if (Modifier.isStatic(modifiers) || Modifier.isPrivate(modifiers) || Modifier.isFinal(modifiers)) {
			if (anyOnMethod) {
				throw probe.invalid(first, null,
						"cannot be applied to a "
								+ (Modifier.isStatic(modifiers) ? "static"
										: Modifier.isPrivate(modifiers) ? "private" : "final")
								+ " method: the proxy cannot intercept it");
			}
			logger.warn("async-utils: " + probe.description() + " of bean '" + beanName
					+ "' is final and cannot be intercepted; the type-level " + first + " does not apply to it");
			return null;
		}
		ReturnKind kind = ReturnKind.of(method);
		if (kind == null) {
			throw probe.invalid(first, method.getGenericReturnType().getTypeName(),
					"unsupported return type: use a plain type (or void), CompletionStage, CompletableFuture"
							+ (ReturnKind.isReactorPresent() ? ", Mono or Flux" : ""));
		}
		MethodContext context = new MethodContext(beanName, beanClass, method, kind, this.placeholders, this.scheduler,
				this::instanceUsed);
		return chain(context, found);
	}

	/**
	 * Build the policy of a programmatic guard: the same capabilities' chain, for a
	 * synthetic method whose return type gives the kind, from annotations that stand for
	 * the guard's builder steps.
	 * @param guardName the guard's name, its instance name for every step
	 * @param beanName the bean that builds guards, for messages
	 * @param targetClass the class declaring the synthetic method (and its cleanup and
	 * fallback methods)
	 * @param method the synthetic method
	 * @param steps one annotation per step, in any order
	 * @return the policy
	 * @throws AsyncUtilsConfigurationException on bad input
	 */
	MethodPolicy guard(String guardName, String beanName, Class<?> targetClass, Method method,
			Collection<? extends Annotation> steps) {
		ReturnKind kind = ReturnKind.of(method);
		if (kind == null) {
			throw new IllegalArgumentException("Unsupported guard method " + method);
		}
		List<Found<?>> found = new ArrayList<>(steps.size());
		for (PolicyFeature<?> feature : this.features) {
			for (Annotation step : steps) {
				if (step.annotationType() == feature.annotationType()) {
					found.add(Found.of(feature, step));
				}
			}
		}
		if (found.size() != steps.size()) {
			throw new IllegalStateException("No capability for every step of " + steps + " among " + this.features);
		}
		return chain(new MethodContext(beanName, targetClass, method, kind, this.placeholders, this.scheduler,
				this::instanceUsed, guardName), found);
	}

	/**
	 * Return whether a capability answers to an annotation type.
	 * @param annotationType the annotation type
	 * @return {@code true} if a guard may use it as a step
	 */
	boolean supports(Class<? extends Annotation> annotationType) {
		for (PolicyFeature<?> feature : this.features) {
			if (feature.annotationType() == annotationType) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Wrap the method in the capabilities found, innermost (last in the nesting order)
	 * first.
	 */
	private MethodPolicy chain(MethodContext context, List<Found<?>> found) {
		Invoker chain = Call::proceed;
		boolean reinvokes = false;
		for (int i = found.size() - 1; i >= 0; i--) {
			Found<?> annotation = found.get(i);
			chain = annotation.decorate(context, chain);
			reinvokes |= annotation.feature().reinvokes();
		}
		chain = observe(context, found, chain);
		ReturnKind kind = context.returnKind();
		Call.CallMode mode = kind.isReactive() ? Call.CallMode.CONCURRENT
				: reinvokes ? Call.CallMode.SEQUENTIAL : Call.CallMode.SINGLE;
		return new MethodPolicy(chain, mode, contextCapture(kind, context));
	}

	/**
	 * When a call captures its caller's context: at the start when user code may run on
	 * another thread at any moment (a cleanup, a debounced run, a subscription), only
	 * when a step defers it for other {@code CompletionStage} calls (one answered at once
	 * captures nothing), never for other plain calls.
	 */
	private static Call.ContextCapture contextCapture(ReturnKind kind, MethodContext context) {
		if (context.isUserCodeRunElsewhere() || kind.isReactive()) {
			return Call.ContextCapture.AT_CALL;
		}
		return (kind == ReturnKind.COMPLETION_STAGE) ? Call.ContextCapture.WHEN_DEFERRED : Call.ContextCapture.NONE;
	}

	private Invoker observe(MethodContext context, List<Found<?>> found, Invoker chain) {
		if (this.observers.isEmpty()) {
			return chain;
		}
		List<String> kinds = new ArrayList<>(found.size());
		String name = null;
		for (Found<?> annotation : found) {
			kinds.add(annotation.feature().kind());
			Object explicit = AnnotationUtils.getValue(annotation.annotation(), "name");
			if (name == null && explicit instanceof String text && !text.isEmpty()) {
				name = context.instanceName(text);
			}
		}
		for (CallObserver observer : this.observers) {
			chain = observer.observe(context, (name != null) ? name : context.defaultInstanceName(), kinds, chain);
		}
		return chain;
	}

	private static <A extends Annotation> @Nullable Found<A> find(PolicyFeature<A> feature, Class<?> beanClass,
			Method method) {
		A annotation = AnnotatedElementUtils.findMergedAnnotation(method, feature.annotationType());
		if (annotation != null) {
			return new Found<>(feature, annotation, true);
		}
		if (Modifier.isPublic(method.getModifiers()) && !isObjectMethod(method)) {
			annotation = AnnotatedElementUtils.findMergedAnnotation(beanClass, feature.annotationType());
			if (annotation != null) {
				return new Found<>(feature, annotation, false);
			}
		}
		return null;
	}

	/**
	 * Whether a method is, or overrides, one of {@code java.lang.Object}'s: a type-level
	 * annotation never guards {@code toString}, {@code equals}, {@code hashCode} and the
	 * like (a method-level annotation on one still does).
	 */
	private static boolean isObjectMethod(Method method) {
		return ReflectionUtils.isObjectMethod(method) || (method.getParameterCount() == 0
				&& (method.getName().equals("clone") || method.getName().equals("finalize")));
	}

	private void instanceUsed(String kind, String name) {
		this.usedInstances.computeIfAbsent(kind, (key) -> ConcurrentHashMap.newKeySet()).add(name);
	}

	/**
	 * Log every configured instance that no guarded method uses: a misspelt name would
	 * otherwise be ignored silently.
	 */
	void reportUnusedInstances() {
		for (PolicyFeature<?> feature : this.features) {
			Set<String> unused = new LinkedHashSet<>(feature.configuredInstances());
			unused.removeAll(this.usedInstances.getOrDefault(feature.kind(), Collections.emptySet()));
			for (String name : unused) {
				logger.warn("async-utils: '" + ReadableSettings.instanceProperty(feature.kind(), name, "")
						+ "' is configured, but no @" + feature.annotationType().getSimpleName()
						+ " method and no guard built so far uses the instance name '" + name + "'");
			}
		}
	}

	private record Found<A extends Annotation>(PolicyFeature<A> feature, A annotation, boolean onMethod) {

		static <A extends Annotation> Found<A> of(PolicyFeature<A> feature, Annotation annotation) {
			return new Found<>(feature, feature.annotationType().cast(annotation), true);
		}

		Invoker decorate(MethodContext context, Invoker next) {
			return this.feature.decorate(context, this.annotation, next);
		}

	}

}
