package dev.asyncutils.guard;

import java.lang.reflect.AccessibleObject;
import java.lang.reflect.Method;
import java.util.concurrent.Callable;
import java.util.function.Function;
import java.util.function.Supplier;

import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import dev.asyncutils.Guard.CheckedRunnable;

/**
 * One call of a guard as the chain sees it: the synthetic method of its kind, and the
 * caller's lambda, which {@link #proceed()} runs (as often as the chain asks, from any
 * thread: it holds no state of its own).
 */
abstract class GuardInvocation implements MethodInvocation {

	private final GuardTarget target;

	GuardInvocation(GuardTarget target) {
		this.target = target;
	}

	@Override
	public Object getThis() {
		return this.target;
	}

	@Override
	public AccessibleObject getStaticPart() {
		return getMethod();
	}

	@Override
	public @Nullable Object[] getArguments() {
		return new @Nullable Object[] { lambda() };
	}

	/**
	 * Return the caller's lambda: the argument of the synthetic method.
	 */
	abstract Object lambda();

	@Override
	public String toString() {
		return "guarded call of " + lambda();
	}

	/** {@code call(Callable)}. */
	static final class CallInvocation extends GuardInvocation {

		private final Callable<?> callable;

		CallInvocation(GuardTarget target, Callable<?> callable) {
			super(target);
			this.callable = callable;
		}

		@Override
		public Method getMethod() {
			return GuardTarget.CALL;
		}

		@Override
		Object lambda() {
			return this.callable;
		}

		@Override
		public @Nullable Object proceed() throws Throwable {
			return this.callable.call();
		}

	}

	/** {@code run(CheckedRunnable)}: a plain call that returns nothing. */
	static final class RunInvocation extends GuardInvocation {

		private final CheckedRunnable runnable;

		RunInvocation(GuardTarget target, CheckedRunnable runnable) {
			super(target);
			this.runnable = runnable;
		}

		@Override
		public Method getMethod() {
			return GuardTarget.CALL;
		}

		@Override
		Object lambda() {
			return this.runnable;
		}

		@Override
		public @Nullable Object proceed() throws Throwable {
			this.runnable.run();
			return null;
		}

	}

	/** {@code call(Callable, Function)}: the fallback travels as the second argument. */
	static final class FallbackInvocation extends GuardInvocation {

		private final Callable<?> callable;

		private final Function<Throwable, ?> fallback;

		FallbackInvocation(GuardTarget target, Callable<?> callable, Function<Throwable, ?> fallback) {
			super(target);
			this.callable = callable;
			this.fallback = fallback;
		}

		@Override
		public Method getMethod() {
			return GuardTarget.CALL_WITH_FALLBACK;
		}

		@Override
		Object lambda() {
			return this.callable;
		}

		@Override
		public @Nullable Object[] getArguments() {
			return new @Nullable Object[] { this.callable, this.fallback };
		}

		@Override
		public @Nullable Object proceed() throws Throwable {
			return this.callable.call();
		}

	}

	/** {@code callAsync(Supplier)}. */
	static final class StageInvocation extends GuardInvocation {

		private final Supplier<?> supplier;

		StageInvocation(GuardTarget target, Supplier<?> supplier) {
			super(target);
			this.supplier = supplier;
		}

		@Override
		public Method getMethod() {
			return GuardTarget.CALL_ASYNC;
		}

		@Override
		Object lambda() {
			return this.supplier;
		}

		@Override
		public @Nullable Object proceed() {
			return this.supplier.get();
		}

	}

}
