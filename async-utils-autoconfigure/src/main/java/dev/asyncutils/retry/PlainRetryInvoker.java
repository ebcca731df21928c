package dev.asyncutils.retry;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import dev.asyncutils.core.AsyncUtilsScheduler;
import dev.asyncutils.core.Call;
import dev.asyncutils.core.Invoker;

/**
 * {@code @Retry} for plain methods: attempts run on the caller's thread, which sleeps
 * between them. An interrupt during a wait stops retrying at once; the caller gets the
 * last failure and the interrupt flag stays set. When the application shuts down during a
 * wait, the caller gets {@link RejectedExecutionException} at once.
 */
final class PlainRetryInvoker implements Invoker {

	private final RetrySettings settings;

	private final RetryStats stats;

	private final Invoker next;

	private final AsyncUtilsScheduler scheduler;

	PlainRetryInvoker(RetrySettings settings, RetryStats stats, Invoker next, AsyncUtilsScheduler scheduler) {
		this.settings = settings;
		this.stats = stats;
		this.next = next;
		this.scheduler = scheduler;
	}

	@Override
	public @Nullable Object invoke(Call call) throws Throwable {
		long start = this.settings.startNanos();
		RetryRun run = null;
		while (true) {
			Object result;
			try {
				result = this.next.invoke(call);
			}
			catch (Throwable failure) {
				if (run == null) {
					run = new RetryRun(this.settings, this.stats, start);
				}
				long delay = run.onFailure(failure);
				if (delay == RetryRun.GIVE_UP) {
					throw run.finalFailure();
				}
				if (Thread.currentThread().isInterrupted()) {
					throw run.interrupted();
				}
				try {
					this.scheduler.sleep(TimeUnit.MILLISECONDS.toNanos(delay));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw run.interrupted();
				}
				catch (RejectedExecutionException ex) {
					throw run.shutDown(ex);
				}
				continue;
			}
			if (run == null) {
				this.stats.succeeded(0);
			}
			else {
				run.succeeded();
			}
			return result;
		}
	}

}
