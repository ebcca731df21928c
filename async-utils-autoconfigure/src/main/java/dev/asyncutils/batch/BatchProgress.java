package dev.asyncutils.batch;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Progress of a run, for logs and for the actuator: a DEBUG line per batch, and an INFO
 * line at most every {@value #INFO_INTERVAL_SECONDS} seconds with items done / total
 * (when known), rate and estimated time left.
 */
final class BatchProgress {

	static final long INFO_INTERVAL_SECONDS = 5;

	private static final Log logger = LogFactory.getLog(BatchProcessor.class);

	private final long total;

	private final long startNanos;

	private final AtomicLong done = new AtomicLong();

	private final AtomicLong lastInfoNanos;

	BatchProgress(long total, long startNanos) {
		this.total = total;
		this.startNanos = startNanos;
		this.lastInfoNanos = new AtomicLong(startNanos);
	}

	/**
	 * Return the number of items with an outcome.
	 * @return the items done
	 */
	long done() {
		return this.done.get();
	}

	/**
	 * Return the number of items in the run.
	 * @return the total, or -1 when unknown
	 */
	long total() {
		return this.total;
	}

	void batchDone(Batch<?, ?> batch) {
		long done = this.done.addAndGet(batch.outcomes().size());
		long now = System.nanoTime();
		if (logger.isDebugEnabled()) {
			logger.debug("async-utils batch " + batch.index() + " done: " + batch.outcomes().size() + " items, "
					+ batch.failed() + " failed; " + done + ((this.total >= 0) ? "/" + this.total : "")
					+ " items done");
		}
		long last = this.lastInfoNanos.get();
		if (logger.isInfoEnabled() && now - last >= TimeUnit.SECONDS.toNanos(INFO_INTERVAL_SECONDS)
				&& this.lastInfoNanos.compareAndSet(last, now)) {
			logger.info(describe(done, now));
		}
	}

	String describe(long done, long now) {
		double seconds = Math.max(1e-9, (now - this.startNanos) / 1e9);
		double rate = done / seconds;
		StringBuilder line = new StringBuilder("async-utils batch run: ").append(done);
		if (this.total >= 0) {
			line.append('/')
				.append(this.total)
				.append(" items (")
				.append(100 * done / Math.max(1, this.total))
				.append("%)");
		}
		else {
			line.append(" items");
		}
		line.append(", ").append(Math.round(rate)).append(" items/s");
		if (this.total >= 0 && rate > 0) {
			line.append(", about ").append(Math.round((this.total - done) / rate)).append("s left");
		}
		return line.toString();
	}

}
