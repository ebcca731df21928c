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

	/** The context of a call that captured nothing, or never captures. */
	private static final Object NOTHING = new Object();

	/**
	 * The invocation the next attempt proceeds with: the caller's own, until a chain that
	 * re-enters the method used it once; from then on {@link #pristine}, which is then
	 * only ever copied.
	 */
	private MethodInvocation invocation;

	private final @Nullable ProxyMethodInvocation pristine;

	/**
	 * The caller's context: {@code null} while not captured yet (see
	 * {@link ContextCapture#WHEN_DEFERRED}), {@link #NOTHING}, or a {@link Captured}.
	 */
	private @Nullable Object context;

	Call(MethodInvocation invocation, CallMode mode) {
		this(invocation, mode, ContextCapture.NONE);
	}

	Call(MethodInvocation invocation, CallMode mode, ContextCapture capture) {
		this.context = (capture == ContextCapture.NONE) ? NOTHING
				: (capture == ContextCapture.AT_CALL) ? captured() : null;
		if (mode == CallMode.SINGLE || mode == CallMode.REPEATABLE
				|| !(invocation instanceof ProxyMethodInvocation proxyInvocation)) {
			this.pristine = null;
			this.invocation = invocation;
		}
		else {
			ProxyMethodInvocation pristine = (ProxyMethodInvocation) proxyInvocation.invocableClone();
			this.pristine = pristine;
			// concurrent chains never proceed with the caller's own invocation
			this.invocation = (mode == CallMode.CONCURRENT) ? pristine : invocation;
		}
	}

	private static Object captured() {
		Object snapshot = CallContexts.capture();
		return (snapshot != null) ? new Captured(snapshot, Thread.currentThread()) : NOTHING;
	}

	/**
	 * Capture the caller's context now, if this call has not captured it yet: a chain
	 * step calls this on the caller's thread before it hands the call, or user code run
	 * for it, to another thread (a later attempt, a delayed start, a fallback). Calls of
	 * {@code CompletionStage} methods capture only then, so that a call answered at once
	 * captures nothing. Once the call left its caller's thread, the step that moved it
	 * captured already, and this does nothing.
	 */
	public void captureContext() {
		if (this.context == null) {
			this.context = captured();
		}
	}

	/**
	 * Invoke the rest of the proxy's chain and the method itself, once more.
	 * @return what the method returned
	 * @throws Throwable what the method threw
	 */
	public @Nullable Object proceed() throws Throwable {
		// the common case first, one frame deep: every frame on the way to the method
		// counts against the compiler's inlining depth
		if (this.pristine == null && !(this.context instanceof Captured)) {
			return this.invocation.proceed();
		}
		if (this.context instanceof Captured captured && Thread.currentThread() != captured.caller) {
			try (CallContexts.Scope scope = CallContexts.restore(captured.snapshot)) {
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
		if (this.context instanceof Captured captured && Thread.currentThread() != captured.caller) {
			return CallContexts.restore(captured.snapshot);
		}
		return CallContexts.NONE;
	}

	private @Nullable Object proceedHere() throws Throwable {
		MethodInvocation invocation = this.invocation;
		ProxyMethodInvocation pristine = this.pristine;
		if (pristine == null) {
			return invocation.proceed();
		}
		if (invocation != pristine) {
			// the first attempt of a sequential chain: the caller's own invocation
			this.invocation = pristine;
			return invocation.proceed();
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
	 * When a call captures its caller's context (see {@link CallContexts}).
	 */
	enum ContextCapture {

		/** Never: the chain runs no user code on another thread. */
		NONE,

		/** When the call starts: user code may run elsewhere at any moment. */
		AT_CALL,

		/**
		 * When a chain step is about to hand the call to another thread
		 * ({@link #captureContext()}), still on the caller's thread.
		 */
		WHEN_DEFERRED

	}

	/**
	 * A captured context and the thread it was captured on, where it needs no restoring.
	 */
	private record Captured(Object snapshot, Thread caller) {
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
