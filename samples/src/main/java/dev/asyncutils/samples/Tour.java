package dev.asyncutils.samples;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.stereotype.Component;

import dev.asyncutils.batch.BatchProcessor;
import dev.asyncutils.batch.BatchResult;

/**
 * Calls the annotated client for a list of articles and prints what happened: values,
 * fallbacks, and a summary of the downstream's failures that the guards absorbed.
 */
@Component
@ConditionalOnBooleanProperty(name = "sample.tour.enabled", matchIfMissing = true)
public class Tour implements ApplicationRunner {

	private final InventoryClient client;

	private final FlakyInventoryService service;

	private final BatchProcessor batchProcessor;

	private final PrintStream out = System.out;

	/**
	 * Create the tour.
	 * @param client the annotated client
	 * @param service the downstream, for its counters
	 * @param batchProcessor the auto-configured batch processor
	 */
	public Tour(InventoryClient client, FlakyInventoryService service, BatchProcessor batchProcessor) {
		this.client = client;
		this.service = service;
		this.batchProcessor = batchProcessor;
	}

	@Override
	public void run(ApplicationArguments args) {
		run(20);
	}

	/**
	 * Look up a number of articles and print the outcome.
	 * @param articles how many articles
	 * @return one line per article
	 */
	public List<String> run(int articles) {
		List<String> lines = new ArrayList<>();
		for (int i = 1; i <= articles; i++) {
			String sku = "SKU-" + i;
			String line;
			try {
				int stock = this.client.stock(sku);
				String price = priceOf(sku);
				String description = this.client.describe(sku).block();
				line = String.format("%-7s stock %4s  price %8s  %s", sku, (stock < 0) ? "?" : stock, price,
						description);
			}
			catch (Exception ex) {
				line = sku + " failed: " + ex;
			}
			lines.add(line);
			this.out.println(line);
		}
		this.out.println();
		lines.add(burst(articles * 5));
		this.out.println();
		lines.add(batchJob(3_000));
		this.out.println();
		this.out.printf("downstream calls %d, failures injected %d, hangs injected %d%n", this.service.calls(),
				this.service.failures(), this.service.hangs());
		this.out.printf("fallbacks used %d, timed-out calls cleaned up %d%n", this.client.fallbacks(),
				this.client.cleanups());
		return lines;
	}

	/**
	 * Check many articles at once: {@code @Bounded} keeps at most 4 checks in flight at
	 * the downstream, {@code @Throttle} at most 50 starts a second, and no caller thread
	 * waits.
	 */
	private String burst(int calls) {
		long start = System.nanoTime();
		List<CompletableFuture<Boolean>> checks = new ArrayList<>();
		for (int i = 0; i < calls; i++) {
			checks.add(this.client.available("SKU-" + (i % 20 + 1)));
		}
		long submitted = System.nanoTime();
		long shipToday = checks.stream().map(CompletableFuture::join).filter(Boolean::booleanValue).count();
		String line = String.format(
				"%d concurrent availability checks: submitted in %d ms, all answered in %d ms (%d ship today); "
						+ "at most %d in flight at the downstream (limit 4)",
				calls, (submitted - start) / 1_000_000, (System.nanoTime() - start) / 1_000_000, shipToday,
				this.service.maxChecksInFlight());
		this.out.println(line);
		return line;
	}

	/**
	 * Reserve thousands of articles with the BatchProcessor (options from
	 * {@code async-utils.batch.*}), through the client's {@code @Retry}, printing a
	 * progress line every 500 items and a summary.
	 */
	private String batchJob(int articles) {
		List<String> skus = new ArrayList<>(articles);
		for (int i = 1; i <= articles; i++) {
			skus.add("RES-" + i);
		}
		BatchResult<String, String> result = this.batchProcessor.with((options) -> options.onBatchComplete((batch) -> {
			long done = (batch.index() + 1) * this.batchProcessor.options().batchSize();
			if (done % 500 == 0) {
				this.out.printf("batch job: %d/%d reserved%n", done, articles);
			}
		})).process(skus, this.client::reserve);
		String line = String.format(
				"batch job: %d articles in %d ms, %d reserved, %d failed; %d refused reservations retried "
						+ "(%d calls to the service)",
				articles, result.elapsed().toMillis(), result.succeeded(), result.failed(),
				this.service.refusedReservations(), this.service.reservations());
		this.out.println(line);
		return line;
	}

	private String priceOf(String sku) {
		try {
			BigDecimal price = this.client.price(sku).join();
			return price.toPlainString();
		}
		catch (RuntimeException ex) {
			return "n/a (" + ex.getCause().getClass().getSimpleName() + ")";
		}
	}

}
