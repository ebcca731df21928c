package dev.asyncutils.guard;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.List;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.util.ReflectionUtils;

import dev.asyncutils.Guard;
import dev.asyncutils.core.GuardPolicies;
import dev.asyncutils.core.MethodPolicy;

/**
 * The {@code Mono} and {@code Flux} kinds of a guard, and {@code pace}. Only loaded when
 * Reactor is on the classpath.
 */
final class ReactiveGuards {

	private static final Method MONO = method("mono");

	private static final Method FLUX = method("flux");

	private final MethodPolicy mono;

	private final MethodPolicy flux;

	private ReactiveGuards(MethodPolicy mono, MethodPolicy flux) {
		this.mono = mono;
		this.flux = flux;
	}

	static GuardTarget target(@Nullable Runnable cleanup) {
		return new Target(cleanup);
	}

	static ReactiveGuards build(GuardPolicies policies, String name, List<Annotation> steps) {
		return new ReactiveGuards(policies.build(name, Target.class, MONO, steps),
				policies.build(name, Target.class, FLUX, steps));
	}

	@SuppressWarnings("unchecked")
	<T> Mono<T> mono(GuardTarget target, Supplier<? extends Mono<T>> supplier) {
		try {
			return (Mono<T>) this.mono.invoke(new Invocation(target, MONO, supplier));
		}
		catch (Throwable ex) {
			return Mono.error(ex);
		}
	}

	@SuppressWarnings("unchecked")
	<T> Flux<T> flux(GuardTarget target, Supplier<? extends Flux<T>> supplier) {
		try {
			return (Flux<T>) this.flux.invoke(new Invocation(target, FLUX, supplier));
		}
		catch (Throwable ex) {
			return Flux.error(ex);
		}
	}

	/**
	 * Emit a source's elements no faster than a guard with a throttle step allows: each
	 * element waits for its own permit, one after the other, on the scheduler; cancelling
	 * gives back the permit being waited for.
	 */
	static <T> Flux<T> pace(Guard throttle, Flux<T> source) {
		return source.concatMap((element) -> throttle.mono(() -> Mono.just(element)));
	}

	private static Method method(String name) {
		Method method = ReflectionUtils.findMethod(Target.class, name, Supplier.class);
		if (method == null) {
			throw new IllegalStateException("No method " + name);
		}
		return method;
	}

	/**
	 * The guard's target with the reactive kinds' synthetic methods.
	 */
	static final class Target extends GuardTarget {

		Target(@Nullable Runnable cleanup) {
			super(cleanup);
		}

		Mono<Object> mono(Supplier<? extends Mono<Object>> supplier) {
			return Mono.defer(supplier);
		}

		Flux<Object> flux(Supplier<? extends Flux<Object>> supplier) {
			return Flux.defer(supplier);
		}

	}

	/**
	 * One subscription's worth of a reactive call: proceeding defers to the supplier, so
	 * that it is called per subscription even when no step subscribes on its behalf.
	 */
	private static final class Invocation extends GuardInvocation {

		private final Method method;

		private final Supplier<?> supplier;

		Invocation(GuardTarget target, Method method, Supplier<?> supplier) {
			super(target);
			this.method = method;
			this.supplier = supplier;
		}

		@Override
		public Method getMethod() {
			return this.method;
		}

		@Override
		Object lambda() {
			return this.supplier;
		}

		@Override
		@SuppressWarnings("unchecked")
		public Object proceed() {
			return (this.method == MONO) ? Mono.defer((Supplier<? extends Mono<Object>>) this.supplier)
					: Flux.defer((Supplier<? extends Flux<Object>>) this.supplier);
		}

	}

}
