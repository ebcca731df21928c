package dev.asyncutils.core;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Collection;

/**
 * Builds the policy chains of programmatic guards with the very capabilities, resolver
 * and shared instances of the annotated methods: a guard's builder steps arrive as the
 * annotations they stand for, on a synthetic method whose return type gives the kind, and
 * each capability decorates the chain exactly as for an annotated method.
 */
public final class GuardPolicies {

	private final PolicyResolver resolver;

	private final String beanName;

	GuardPolicies(PolicyResolver resolver, String beanName) {
		this.resolver = resolver;
		this.beanName = beanName;
	}

	/**
	 * Build the policy of one kind of a guard.
	 * @param guardName the guard's name, the instance name of every step
	 * @param targetClass the class declaring the synthetic method and its cleanup and
	 * fallback methods
	 * @param method the synthetic method
	 * @param steps one annotation per step, in any order
	 * @return the policy
	 * @throws AsyncUtilsConfigurationException if a setting is missing or invalid
	 */
	public MethodPolicy build(String guardName, Class<?> targetClass, Method method,
			Collection<? extends Annotation> steps) {
		return this.resolver.guard(guardName, this.beanName, targetClass, method, steps);
	}

	/**
	 * Return whether a capability answers to an annotation type.
	 * @param annotationType the annotation type
	 * @return {@code true} if a guard may use it as a step
	 */
	public boolean supports(Class<? extends Annotation> annotationType) {
		return this.resolver.supports(annotationType);
	}

}
