package dev.asyncutils.guard;

import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.asyncutils.Guard;
import dev.asyncutils.core.MethodPolicy;
import dev.asyncutils.guard.GuardInvocation.CallInvocation;
import dev.asyncutils.guard.GuardInvocation.FallbackInvocation;
import dev.asyncutils.guard.GuardInvocation.RunInvocation;
import dev.asyncutils.guard.GuardInvocation.StageInvocation;

/**
 * A built guard: one resolved chain per kind of call, each built once by the same
 * capabilities as an annotated method of that kind.
 */
final class DefaultGuard implements Guard {

	private final String name;

	private final GuardTarget target;

	private final MethodPolicy plain;

	private final MethodPolicy stage;

	private final @Nullable ReactiveGuards reactive;

	private final Supplier<MethodPolicy> withFallback;

	private volatile @Nullable MethodPolicy fallback;

	DefaultGuard(String name, GuardTarget target, MethodPolicy plain, MethodPolicy stage,
			@Nullable ReactiveGuards reactive, Supplier<MethodPolicy> withFallback) {
		this.name = name;
		this.target = target;
		this.plain = plain;
		this.stage = stage;
		this.reactive = reactive;
		this.withFallback = withFallback;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T extends @Nullable Object> T call(Callable<T> callable) throws Exception {
		return (T) invoke(this.plain, new CallInvocation(this.target, callable));
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T extends @Nullable Object> T call(Callable<T> callable, Function<Throwable, T> fallback) {
		MethodPolicy policy = this.fallback;
		if (policy == null) {
			policy = this.withFallback.get();
			this.fallback = policy;
		}
		try {
			return (T) invoke(policy, new FallbackInvocation(this.target, callable, fallback));
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			// the fallback answers every failure; only its own (unchecked) ones get here
			throw new UndeclaredThrowableException(ex);
		}
	}

	@Override
	public void run(CheckedRunnable runnable) throws Exception {
		invoke(this.plain, new RunInvocation(this.target, runnable));
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T extends @Nullable Object> CompletableFuture<T> callAsync(
			Supplier<? extends CompletionStage<T>> supplier) {
		Object result;
		try {
			result = this.stage.invoke(new StageInvocation(this.target, supplier));
		}
		catch (Throwable ex) {
			return CompletableFuture.failedFuture(ex);
		}
		if (result == null) {
			return CompletableFuture
				.failedFuture(new NullPointerException("The supplier of guard '" + this.name + "' returned null"));
		}
		return (result instanceof CompletableFuture<?> future) ? (CompletableFuture<T>) future
				: ((CompletionStage<T>) result).toCompletableFuture();
	}

	@Override
	public <T> Mono<T> mono(Supplier<? extends Mono<T>> supplier) {
		return reactive().mono(this.target, supplier);
	}

	@Override
	public <T> Flux<T> flux(Supplier<? extends Flux<T>> supplier) {
		return reactive().flux(this.target, supplier);
	}

	private ReactiveGuards reactive() {
		ReactiveGuards reactive = this.reactive;
		if (reactive == null) {
			throw new IllegalStateException("Reactor is not on the classpath");
		}
		return reactive;
	}

	private static @Nullable Object invoke(MethodPolicy policy, GuardInvocation invocation) throws Exception {
		try {
			return policy.invoke(invocation);
		}
		catch (Exception | Error ex) {
			throw ex;
		}
		catch (Throwable ex) {
			throw new UndeclaredThrowableException(ex);
		}
	}

	@Override
	public String toString() {
		return "Guard '" + this.name + "'";
	}

}
