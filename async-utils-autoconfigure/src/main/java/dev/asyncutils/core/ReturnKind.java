package dev.asyncutils.core;

import java.lang.reflect.Method;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;

/**
 * How a guarded method delivers its result, which decides how every policy runs: on the
 * caller's thread, or scheduled without blocking one.
 */
public enum ReturnKind {

	/** A plain value, {@code void} included: policies run on the caller's thread. */
	PLAIN,

	/** {@code CompletionStage} or {@code CompletableFuture}. */
	COMPLETION_STAGE,

	/** Reactor {@code Mono}: the policy applies per subscription. */
	MONO,

	/** Reactor {@code Flux}: the policy applies per subscription. */
	FLUX;

	private static final boolean REACTOR_PRESENT = ClassUtils.isPresent("reactor.core.publisher.Mono",
			ReturnKind.class.getClassLoader());

	private static final @Nullable Class<?> PUBLISHER = resolve("org.reactivestreams.Publisher");

	/**
	 * Return whether Reactor is on the classpath.
	 * @return {@code true} if {@code Mono} and {@code Flux} are supported
	 */
	public static boolean isReactorPresent() {
		return REACTOR_PRESENT;
	}

	/**
	 * Return whether this kind is one of Reactor's publishers.
	 * @return {@code true} for {@link #MONO} and {@link #FLUX}
	 */
	public boolean isReactive() {
		return this == MONO || this == FLUX;
	}

	/**
	 * Classify the return type of a method.
	 * @param method the method
	 * @return its kind, or {@code null} if no policy can honour that return type (a
	 * {@link Future} that is no {@link CompletionStage}, a {@code CompletableFuture}
	 * subclass, or a reactive type other than {@code Mono} and {@code Flux})
	 */
	public static @Nullable ReturnKind of(Method method) {
		Class<?> type = method.getReturnType();
		if (CompletionStage.class.isAssignableFrom(type)) {
			return (type == CompletionStage.class || type == CompletableFuture.class) ? COMPLETION_STAGE : null;
		}
		if (REACTOR_PRESENT) {
			String name = type.getName();
			if (name.equals("reactor.core.publisher.Mono")) {
				return MONO;
			}
			if (name.equals("reactor.core.publisher.Flux")) {
				return FLUX;
			}
		}
		if (PUBLISHER != null && PUBLISHER.isAssignableFrom(type)) {
			return null;
		}
		if (Future.class.isAssignableFrom(type)) {
			return null;
		}
		return PLAIN;
	}

	private static @Nullable Class<?> resolve(String name) {
		ClassLoader classLoader = ReturnKind.class.getClassLoader();
		return ClassUtils.isPresent(name, classLoader) ? ClassUtils.resolveClassName(name, classLoader) : null;
	}

}
