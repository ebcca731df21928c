package dev.asyncutils.core.admission;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

import org.jspecify.annotations.Nullable;

/**
 * The admission of a call that fails before it is admitted (a new key beyond
 * {@code max-keys}, more permits than a bucket holds): {@link #admit()} throws the
 * failure, {@link #admitLater(ScheduledExecutorService)} returns it as a failed future.
 *
 * @param failure what the call fails with
 */
public record FailedAdmission(RuntimeException failure) implements Admission {

	@Override
	public @Nullable Permit tryAdmit() {
		return null;
	}

	@Override
	public Permit admit() {
		throw this.failure;
	}

	@Override
	public CompletableFuture<Permit> admitLater(ScheduledExecutorService scheduler) {
		return CompletableFuture.failedFuture(this.failure);
	}

}
