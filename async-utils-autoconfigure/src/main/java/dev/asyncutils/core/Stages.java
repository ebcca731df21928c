package dev.asyncutils.core;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import org.jspecify.annotations.Nullable;

/**
 * Helpers for the {@link ReturnKind#COMPLETION_STAGE} chains: nothing here blocks.
 */
public final class Stages {

	private Stages() {
	}

	/**
	 * Invoke the next link of a completion-stage chain, turning a synchronous throw or a
	 * {@code null} stage into a failed stage.
	 * @param next the next link
	 * @param call the call
	 * @return the stage the link returned
	 */
	@SuppressWarnings("unchecked")
	public static CompletionStage<@Nullable Object> invoke(Invoker next, Call call) {
		try {
			Object result = next.invoke(call);
			if (result == null) {
				return CompletableFuture.failedFuture(new NullPointerException(
						"Method " + call.method().toGenericString() + " returned null instead of a CompletionStage"));
			}
			return (CompletionStage<@Nullable Object>) result;
		}
		catch (Throwable ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Return whether a stage is a plain {@link CompletableFuture} that already completed
	 * normally: a guard can then hand it back as it is, without a stage of its own.
	 * Subclasses are not trusted (a minimal stage throws on {@code isDone()}).
	 * @param stage the stage a method returned
	 * @return {@code true} if it is done with a value
	 */
	public static boolean isDoneNormally(CompletionStage<?> stage) {
		if (stage.getClass() != CompletableFuture.class) {
			return false;
		}
		CompletableFuture<?> future = (CompletableFuture<?>) stage;
		return future.isDone() && !future.isCompletedExceptionally();
	}

	/**
	 * Cancel a stage if it is a {@link Future} that can be cancelled. Never throws: a
	 * stage that refuses cancellation (such as
	 * {@link CompletableFuture#minimalCompletionStage()}, whose {@code cancel} throws
	 * {@link UnsupportedOperationException}) is left alone, so that whatever follows the
	 * cancellation (a cleanup method, for one) still happens.
	 * @param stage the stage, may be {@code null}
	 */
	public static void cancel(@Nullable CompletionStage<?> stage) {
		if (stage instanceof Future<?> future) {
			try {
				future.cancel(true);
			}
			catch (RuntimeException ex) {
				// cannot be cancelled: nothing more to do
			}
		}
	}

	/**
	 * When {@code outer} is cancelled by its holder, cancel {@code inner} too.
	 * @param outer the stage handed to the caller
	 * @param inner the stage it mirrors
	 */
	public static void propagateCancellation(CompletableFuture<?> outer, CompletionStage<?> inner) {
		outer.whenComplete((value, failure) -> {
			if (outer.isCancelled()) {
				cancel(inner);
			}
		});
	}

}
