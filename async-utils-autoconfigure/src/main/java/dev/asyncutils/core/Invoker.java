package dev.asyncutils.core;

import org.jspecify.annotations.Nullable;

/**
 * One link of a method's policy chain. Each capability wraps the next link; the last one
 * invokes the method. An invoker returns what the method returns: a plain value, a
 * {@link java.util.concurrent.CompletionStage}, or a {@code Mono}/{@code Flux}, according
 * to the method's {@link ReturnKind}.
 */
@FunctionalInterface
public interface Invoker {

	/**
	 * Run this link (and through it the rest of the chain) for one call.
	 * @param call the call being made
	 * @return the method's result, of the method's return kind
	 * @throws Throwable whatever the chain throws, unchanged
	 */
	@Nullable Object invoke(Call call) throws Throwable;

}
