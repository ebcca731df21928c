package dev.asyncutils.core;

import java.lang.reflect.Method;

import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.ProxyMethodInvocation;

/**
 * One invocation of a guarded method as it travels through the policy chain.
 *
 * <p>
 * A chain that may invoke the method more than once (retries, resubscription, deferred
 * starts) keeps an unused copy of the AOP invocation taken before the first attempt, so
 * that every later attempt runs the rest of the proxy's interceptor chain again. The
 * first attempt uses the original invocation. Sequential re-invocation is safe from any
 * thread; reactive chains, whose subscriptions may overlap, never use the original. When
 * our interceptor is the last advice of the chain, there is nothing left to re-run but
 * the method, and sequential chains proceed with the original invocation every time,
 * without a copy ({@link CallMode#REPEATABLE}).
 */
public final class Call {

	private final MethodInvocation invocation;

	private final @Nullable ProxyMethodInvocation pristine;

	private boolean originalUsed;

	/** The caller's context ({@link CallContexts}), or {@code null}. */
	private final @Nullable Object context;

	/** The caller's thread, where the context needs no restoring; set with it. */
	private final @Nullable Thread caller;

	Call(MethodInvocation invocation, CallMode mode) {
		this(invocation, mode, false);
	}

	Call(MethodInvocation invocation, CallMode mode, boolean captureContext) {
		this.invocation = invocation;
		Object context = captureContext ? CallContexts.capture() : null;
		this.context = context;
		this.caller = (context != null) ? Thread.currentThread() : null;
		if (mode == CallMode.SINGLE || mode == CallMode.REPEATABLE
				|| !(invocation instanceof ProxyMethodInvocation proxyInvocation)) {
			this.pristine = null;
		}
		else {
			this.pristine = (ProxyMethodInvocation) proxyInvocation.invocableClone();
			this.originalUsed = (mode == CallMode.CONCURRENT);
		}
	}

	/**
	 * Invoke the rest of the proxy's chain and the method itself, once more.
	 * @return what the method returned
	 * @throws Throwable what the method threw
	 */
	public @Nullable Object proceed() throws Throwable {
		if (this.context != null && Thread.currentThread() != this.caller) {
			try (CallContexts.Scope scope = enterContext()) {
				return proceedHere();
			}
		}
		return proceedHere();
	}

	/**
	 * Put the caller's context (see {@link CallContexts}) in place on this thread, around
	 * user code run for this call on another thread: a cleanup or fallback method, a
	 * delayed subscription. {@link #proceed()} does it itself. <pre class="code">
	 * try (CallContexts.Scope scope = call.enterContext()) {
	 *     cleanup.invoke(...);
	 * }
	 * </pre>
	 * @return the scope to close afterwards; {@link CallContexts#NONE} (nothing to undo)
	 * on the caller's own thread or when nothing was captured
	 */
	public CallContexts.Scope enterContext() {
		Object context = this.context;
		if (context == null || Thread.currentThread() == this.caller) {
			return CallContexts.NONE;
		}
		return CallContexts.restore(context);
	}

	private @Nullable Object proceedHere() throws Throwable {
		ProxyMethodInvocation pristine = this.pristine;
		if (pristine == null) {
			return this.invocation.proceed();
		}
		if (!this.originalUsed) {
			this.originalUsed = true;
			return this.invocation.proceed();
		}
		return pristine.invocableClone().proceed();
	}

	/**
	 * Return the bean instance the method is invoked on (the target, not the proxy).
	 * @return the target object
	 */
	public Object target() {
		Object target = this.invocation.getThis();
		if (target == null) {
			throw new IllegalStateException("No target for " + this.invocation.getMethod());
		}
		return target;
	}

	/**
	 * Return the arguments the caller passed.
	 * @return the arguments
	 */
	public @Nullable Object[] arguments() {
		return this.invocation.getArguments();
	}

	/**
	 * Return the method being invoked.
	 * @return the method
	 */
	public Method method() {
		return this.invocation.getMethod();
	}

	/**
	 * How often and how concurrently a chain re-enters the method.
	 */
	public enum CallMode {

		/** The method is invoked at most once per call. */
		SINGLE,

		/**
		 * The method may be invoked several times, one after the other, and the
		 * interceptor is the last advice of the chain: proceeding with the original
		 * invocation again invokes just the method, so no copy is taken.
		 */
		REPEATABLE,

		/** The method may be invoked several times, one after the other. */
		SEQUENTIAL,

		/**
		 * The method may be invoked several times, possibly at once (per subscription).
		 */
		CONCURRENT

	}

}
