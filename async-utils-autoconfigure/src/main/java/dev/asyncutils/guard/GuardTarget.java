package dev.asyncutils.guard;

import java.lang.reflect.Method;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.util.ReflectionUtils;

/**
 * What a guard's chain sees as "the bean": synthetic methods whose return types give the
 * kinds of call (the capabilities look only at their signatures; a call's code is the
 * lambda its invocation carries), the cleanup method a timeout step names, and the
 * fallback method that answers for {@code call(callable, fallback)}.
 */
class GuardTarget {

	static final String CLEANUP = "cleanup";

	static final String FALLBACK = "fallback";

	static final Method CALL = method("call", Callable.class);

	static final Method CALL_WITH_FALLBACK = method("callWithFallback", Callable.class, Function.class);

	static final Method CALL_ASYNC = method("callAsync", Supplier.class);

	private final @Nullable Runnable cleanup;

	GuardTarget(@Nullable Runnable cleanup) {
		this.cleanup = cleanup;
	}

	@Nullable Object call(Callable<?> callable) throws Exception {
		return callable.call();
	}

	@Nullable Object callWithFallback(Callable<?> callable, Function<Throwable, ?> fallback) throws Exception {
		return callable.call();
	}

	@Nullable CompletionStage<?> callAsync(Supplier<? extends CompletionStage<?>> supplier) {
		return supplier.get();
	}

	@SuppressWarnings("unused") // called by the timeout step, by name
	private void cleanup() {
		Runnable cleanup = this.cleanup;
		if (cleanup != null) {
			cleanup.run();
		}
	}

	@SuppressWarnings("unused") // called by the fallback step, by name
	private @Nullable Object fallback(Callable<?> callable, Function<Throwable, ?> fallback, Throwable failure) {
		return fallback.apply(failure);
	}

	static Method method(String name, Class<?>... parameters) {
		Method method = ReflectionUtils.findMethod(GuardTarget.class, name, parameters);
		if (method == null) {
			throw new IllegalStateException("No method " + name);
		}
		return method;
	}

}
