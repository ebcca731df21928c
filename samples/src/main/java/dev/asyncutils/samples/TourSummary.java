package dev.asyncutils.samples;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the guards did during one run of the {@link Tour}. The numbers of async-utils come
 * from its meters, summed over every instance; the 429s from the downstream itself.
 *
 * @param batchItems articles given to the batch job
 * @param itemsProcessed outcomes the batch job returned, one per item
 * @param itemsSucceeded batch items that ended with a value
 * ({@code asyncutils.batch.items{result=success}})
 * @param itemsFailed batch items that ended with an error
 * ({@code asyncutils.batch.items{result=failure}})
 * @param retries attempts after the first ({@code asyncutils.retry.retries})
 * @param timeouts calls that hit their deadline
 * ({@code asyncutils.timeout.calls{result=timed_out}})
 * @param throttleWaits calls that waited for a throttle permit
 * ({@code asyncutils.throttle.wait}, count)
 * @param throttleRejections calls a throttle rejected
 * ({@code asyncutils.throttle.calls{result=rejected}})
 * @param boundedRejections calls a concurrency limit rejected
 * ({@code asyncutils.bounded.calls{result=rejected}})
 * @param fallbacks calls a fallback answered ({@code asyncutils.fallback.calls})
 * @param tooManyRequests calls the downstream answered with "429 Too Many Requests"
 * @param peakCallsInWindow the most calls one endpoint of the downstream admitted within
 * one window of its rate limit (since the start)
 * @param downstreamLimit the downstream's limit per endpoint and window
 * @param elapsed how long the tour took
 */
public record TourSummary(int batchItems, int itemsProcessed, long itemsSucceeded, long itemsFailed, long retries,
		long timeouts, long throttleWaits, long throttleRejections, long boundedRejections, long fallbacks,
		long tooManyRequests, int peakCallsInWindow, int downstreamLimit, Duration elapsed) {

	/**
	 * Return the calls rejected by a throttle or a concurrency limit.
	 * @return throttle and bounded rejections together
	 */
	public long rejections() {
		return this.throttleRejections + this.boundedRejections;
	}

	/**
	 * Return whether the downstream never answered 429 and every batch item came back.
	 * @return {@code true} if the tour kept its promise
	 */
	public boolean isClean() {
		return this.tooManyRequests == 0 && this.itemsProcessed == this.batchItems
				&& this.itemsSucceeded + this.itemsFailed == this.batchItems;
	}

	/**
	 * Render the summary as a table for the console.
	 * @return the table, one row per line, ending with a line break
	 */
	public String toTable() {
		List<String[]> rows = new ArrayList<>();
		rows.add(row("batch items processed", this.itemsProcessed + " of " + this.batchItems));
		rows.add(row("  succeeded", this.itemsSucceeded));
		rows.add(row("  failed", this.itemsFailed));
		rows.add(row("retries                      @Retry", this.retries));
		rows.add(row("timeouts                     @Timeout", this.timeouts));
		rows.add(row("throttle waits               @Throttle", this.throttleWaits));
		rows.add(row("rejections (throttle + bounded)",
				rejections() + " (" + this.throttleRejections + " + " + this.boundedRejections + ")"));
		rows.add(row("fallbacks                    @Fallback", this.fallbacks));
		rows.add(row("downstream: 429 Too Many Requests", this.tooManyRequests));
		rows.add(row("downstream: most calls in one window", this.peakCallsInWindow + " of " + this.downstreamLimit));
		int labelWidth = rows.stream().mapToInt((row) -> row[0].length()).max().orElse(0);
		int valueWidth = rows.stream().mapToInt((row) -> row[1].length()).max().orElse(0);
		String rule = "+" + "-".repeat(labelWidth + 2) + "+" + "-".repeat(valueWidth + 2) + "+\n";
		StringBuilder table = new StringBuilder();
		table.append(rule);
		table.append(String.format(Locale.ROOT, "| %-" + (labelWidth + valueWidth + 3) + "s |\n",
				String.format(Locale.ROOT, "tour summary (%.1f s)", this.elapsed.toMillis() / 1000.0)));
		table.append(rule);
		for (String[] row : rows) {
			table.append(
					String.format(Locale.ROOT, "| %-" + labelWidth + "s | %" + valueWidth + "s |\n", row[0], row[1]));
		}
		table.append(rule);
		return table.toString();
	}

	private static String[] row(String label, Object value) {
		return new String[] { label, String.valueOf(value) };
	}

}
