package dev.asyncutils.core;

import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

/**
 * The resolved policy chain of one method (or of one kind of a programmatic guard): built
 * once, used on every call.
 */
public final class MethodPolicy {

	private final Invoker invoker;

	private final Call.CallMode mode;

	private final Call.ContextCapture capture;

	/**
	 * Whether the interceptor is the last advice of this method's proxy chain, so that
	 * proceeding with the caller's own invocation again re-runs nothing but the method,
	 * and no pristine copy of the invocation is needed. Kept current by the proxy's
	 * advice-changed notifications; {@code false} (copy) whenever unknown.
	 */
	private volatile boolean lastInChain;

	/**
	 * Create a policy.
	 * @param invoker the outermost link of the chain
	 * @param mode how often and how concurrently the chain re-enters the method
	 */
	MethodPolicy(Invoker invoker, Call.CallMode mode) {
		this(invoker, mode, Call.ContextCapture.NONE);
	}

	/**
	 * Create a policy.
	 * @param invoker the outermost link of the chain
	 * @param mode how often and how concurrently the chain re-enters the method
	 * @param capture when a call captures its caller's context, for the user code the
	 * chain may run on another thread
	 */
	MethodPolicy(Invoker invoker, Call.CallMode mode, Call.ContextCapture capture) {
		this.invoker = invoker;
		this.mode = mode;
		this.capture = capture;
	}

	/**
	 * Run one call through the chain: the one entry point of annotated methods and
	 * programmatic guards alike.
	 * @param invocation the invocation to guard
	 * @return what the chain returns, of the method's return kind
	 * @throws Throwable what the chain throws, unchanged
	 */
	public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
		return this.invoker.invoke(call(invocation));
	}

	/**
	 * Start one call of this policy.
	 * @param invocation the invocation to guard
	 * @return the call, to pass to {@link #invoker()}
	 */
	Call call(MethodInvocation invocation) {
		return new Call(invocation, callMode(), this.capture);
	}

	Invoker invoker() {
		return this.invoker;
	}

	Call.CallMode mode() {
		return this.mode;
	}

	/**
	 * Return how a call should treat its invocation.
	 * @return the mode, {@link Call.CallMode#SINGLE} for a sequential chain that is the
	 * last advice (re-proceeding the original invocation is then safe)
	 */
	Call.CallMode callMode() {
		Call.CallMode mode = this.mode;
		return (mode == Call.CallMode.SEQUENTIAL && this.lastInChain) ? Call.CallMode.REPEATABLE : mode;
	}

	void lastInChain(boolean lastInChain) {
		this.lastInChain = lastInChain;
	}

}
