package dev.asyncutils.core;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import org.jspecify.annotations.Nullable;

/**
 * Helpers for passing failures on unchanged.
 */
public final class Failures {

	private Failures() {
	}

	/**
	 * Strip the {@link CompletionException} and {@link ExecutionException} wrappers that
	 * futures add, so a caller sees the exception the method produced.
	 * @param failure the failure as a future reported it
	 * @return the underlying failure
	 */
	public static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while ((current instanceof CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	/**
	 * Attach {@code earlier} to {@code last} as a suppressed exception, unless they are
	 * the same instance or {@code earlier} is already attached.
	 * @param last the exception the caller gets
	 * @param earlier an earlier failure
	 */
	public static void suppress(Throwable last, @Nullable Throwable earlier) {
		if (earlier == null || earlier == last) {
			return;
		}
		for (Throwable existing : last.getSuppressed()) {
			if (existing == earlier) {
				return;
			}
		}
		last.addSuppressed(earlier);
	}

}
