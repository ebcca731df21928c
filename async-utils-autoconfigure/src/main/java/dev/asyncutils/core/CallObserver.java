package dev.asyncutils.core;

import java.util.List;

/**
 * Wraps the whole chain of a guarded method, outside every capability: where a guarded
 * call as a whole is observed. Applied once per method at startup.
 */
@FunctionalInterface
public interface CallObserver {

	/**
	 * Wrap a method's chain.
	 * @param method the method
	 * @param name the name of the call: the instance name the method's annotations share,
	 * else {@code SimpleClassName.methodName}
	 * @param kinds the capabilities of the chain, outermost first ({@code retry},
	 * {@code timeout}, ...)
	 * @param chain the chain
	 * @return the wrapped chain, or {@code chain} itself
	 */
	Invoker observe(MethodContext method, String name, List<String> kinds, Invoker chain);

}
