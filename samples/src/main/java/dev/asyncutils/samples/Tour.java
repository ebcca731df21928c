package dev.asyncutils.samples;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Statistic;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ExitCodeGenerator;
import org.springframework.stereotype.Component;

import dev.asyncutils.AsyncUtils;
import dev.asyncutils.Guard;
import dev.asyncutils.batch.BatchProcessor;
import dev.asyncutils.CircuitOpenException;
import dev.asyncutils.batch.BatchResult;
import dev.asyncutils.circuitbreaker.Circuit;
import dev.asyncutils.circuitbreaker.CircuitBreakerRegistry;
import dev.asyncutils.throttle.ThrottleRegistry;
import dev.asyncutils.throttle.ThrottleSettings;
import dev.asyncutils.throttle.TokenBucket;

/**
 * The tour: calls the annotated client for a list of articles, fires a burst of
 * concurrent checks, runs a batch job over thousands of articles, guards a lambda with a
 * programmatic {@link Guard} and debounces a burst of change events, and prints a
 * {@link TourSummary} read from the meters that async-utils publishes.
 * <p>
 * As an {@link ExitCodeGenerator} it makes the application exit with 1 if the last tour
 * was answered "429 Too Many Requests" by the downstream or lost a batch item, 0
 * otherwise.
 */
@Component
public class Tour implements ExitCodeGenerator {

	/** Articles looked up one by one in the first step. */
	public static final int LOOK_UPS = 20;

	/** Availability checks fired at once in the second step. */
	public static final int BURST = 100;

	/** Articles reserved by the batch job of the third step. */
	public static final int BATCH_ITEMS = 3_000;

	private static final int PROGRESS_EVERY = 500;

	private final InventoryClient client;

	private final FlakyInventoryService service;

	private final BatchProcessor batchProcessor;

	private final MeterRegistry meters;

	private final ThrottleRegistry throttles;

	private final CircuitBreakerRegistry breakers;

	private final AsyncUtils asyncUtils;

	private final SearchIndex searchIndex;

	private final PrintStream out = System.out;

	private volatile @Nullable TourSummary lastSummary;

	/**
	 * Create the tour.
	 * @param client the annotated client
	 * @param service the downstream, for its counters
	 * @param batchProcessor the auto-configured batch processor
	 * @param meters the registry that holds the meters of every async-utils instance
	 * @param throttles the throttle instances, to print the settings of the client's
	 * throttle
	 * @param asyncUtils builds the guard of the fourth step
	 * @param searchIndex the debounced index of the fourth step
	 * @param breakers the circuit breakers, to show the state of the client's breaker
	 */
	public Tour(InventoryClient client, FlakyInventoryService service, BatchProcessor batchProcessor,
			MeterRegistry meters, ThrottleRegistry throttles, AsyncUtils asyncUtils, SearchIndex searchIndex,
			CircuitBreakerRegistry breakers) {
		this.asyncUtils = asyncUtils;
		this.searchIndex = searchIndex;
		this.client = client;
		this.service = service;
		this.batchProcessor = batchProcessor;
		this.meters = meters;
		this.throttles = throttles;
		this.breakers = breakers;
	}

	/**
	 * Run the tour once, printing what happens and a summary table at the end.
	 * @return the summary: what the guards did during this run
	 */
	public TourSummary run() {
		Counts before = counts();
		long start = System.nanoTime();
		section("1/6  Look-ups: @Retry, @Timeout and @Fallback absorb a flaky service (" + LOOK_UPS + " articles)");
		lookUps();
		section("2/6  A burst: " + BURST + " availability checks at once, @Bounded and @Throttle");
		burst();
		section("3/6  A batch job: the BatchProcessor reserves " + BATCH_ITEMS
				+ " articles through @Retry and @Throttle");
		BatchResult<String, String> result = batchJob();
		// the summary counts the first three steps; the fourth shows keys on their own
		Counts during = counts().minus(before);
		section("4/6  Without annotations: a Guard around a lambda, and @Debounce on a burst of change events");
		guardAndDebounce();
		section("5/6  Per tenant: @Throttle(key = \"#tenant\") gives every tenant a bucket of its own");
		perTenant();
		section("6/6  An outage: @CircuitBreaker stops calling the shipping service and finds it back");
		outage();
		TourSummary summary = new TourSummary(BATCH_ITEMS, result.outcomes().size(), during.itemsSucceeded,
				during.itemsFailed, during.retries, during.timeouts, during.throttleWaits, during.throttleRejections,
				during.boundedRejections, during.fallbacks, during.tooManyRequests, this.service.peakCallsInWindow(),
				this.service.limits().limit(), Duration.ofNanos(System.nanoTime() - start));
		this.out.println();
		this.out.print(summary.toTable());
		this.lastSummary = summary;
		return summary;
	}

	@Override
	public int getExitCode() {
		TourSummary summary = this.lastSummary;
		return (summary == null || summary.isClean()) ? 0 : 1;
	}

	private void section(String title) {
		this.out.println();
		this.out.println("== " + title);
		this.out.println();
	}

	/**
	 * Stock (blocking), price ({@code CompletableFuture}) and description ({@code Mono})
	 * of each article, one after the other: failures are retried, hanging calls time out,
	 * and a fallback answers when every attempt failed.
	 */
	private void lookUps() {
		for (int i = 1; i <= LOOK_UPS; i++) {
			String sku = "SKU-" + i;
			try {
				int stock = this.client.stock(sku);
				String price = priceOf(sku);
				String description = this.client.describe(sku).block();
				this.out.printf("%-7s stock %4s  price %8s  %s%n", sku, (stock < 0) ? "?" : stock, price, description);
			}
			catch (Exception ex) {
				this.out.println(sku + " failed: " + ex);
			}
		}
	}

	private String priceOf(String sku) {
		try {
			BigDecimal price = this.client.price(sku).join();
			return price.toPlainString();
		}
		catch (RuntimeException ex) {
			Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
			return "n/a (" + cause.getClass().getSimpleName() + ")";
		}
	}

	/**
	 * Check many articles at once: {@code @Bounded} keeps at most 4 checks in flight at
	 * the downstream, and no caller thread waits.
	 */
	private void burst() {
		long start = System.nanoTime();
		List<CompletableFuture<Boolean>> checks = new ArrayList<>();
		for (int i = 0; i < BURST; i++) {
			checks.add(this.client.available("SKU-" + (i % LOOK_UPS + 1)));
		}
		long submitted = System.nanoTime();
		long shipToday = checks.stream().map(CompletableFuture::join).filter(Boolean::booleanValue).count();
		this.out.printf(
				"%d checks submitted in %d ms, all answered in %d ms (%d ship today); "
						+ "at most %d in flight at the downstream%n",
				BURST, millisSince(start, submitted), millisSince(start, System.nanoTime()), shipToday,
				this.service.maxChecksInFlight());
	}

	/**
	 * Reserve thousands of articles with the BatchProcessor (options from
	 * {@code async-utils.batch.*}) through the client's {@code @Retry} and
	 * {@code @Throttle}, printing a progress line every 500 items.
	 */
	private BatchResult<String, String> batchJob() {
		List<String> skus = new ArrayList<>(BATCH_ITEMS);
		for (int i = 1; i <= BATCH_ITEMS; i++) {
			skus.add("RES-" + i);
		}
		DownstreamProperties limits = this.service.limits();
		ThrottleSettings throttle = this.throttles.get(InventoryClient.THROTTLE).settings();
		long mostStarts = throttle.burst()
				+ (long) Math.floor(throttle.rate() * limits.window().toNanos() / throttle.per().toNanos());
		this.out.printf(Locale.ROOT,
				"the downstream answers 429 to more than %d calls of an endpoint within %d ms;%n"
						+ "throttle %s (%s per %d ms, burst %d) lets at most %d calls start within %d ms%n",
				limits.limit(), limits.window().toMillis(), InventoryClient.THROTTLE, number(throttle.rate()),
				throttle.per().toMillis(), throttle.burst(), mostStarts, limits.window().toMillis());
		Counts atStart = counts();
		long start = System.nanoTime();
		AtomicInteger done = new AtomicInteger();
		BatchResult<String, String> result = this.batchProcessor.with((options) -> options.onBatchComplete((batch) -> {
			int previously = done.get();
			int now = done.addAndGet(batch.outcomes().size());
			if (now / PROGRESS_EVERY > previously / PROGRESS_EVERY || now == BATCH_ITEMS) {
				progress(now, start, atStart);
			}
		})).process(skus, this.client::reserve);
		this.out.printf(
				"batch job done in %d ms: %d reserved, %d failed; the busiest %d ms at the downstream "
						+ "saw %d calls of one endpoint%n",
				result.elapsed().toMillis(), result.succeeded(), result.failed(), limits.window().toMillis(),
				this.service.peakCallsInWindow());
		return result;
	}

	/**
	 * Take the shipping service down: the breaker opens once half of the last calls
	 * failed, and later calls fail at once without reaching it. Bring it back: after
	 * wait-in-open, trial calls find it working and the breaker closes.
	 */
	private void outage() {
		Circuit circuit = this.breakers.get(InventoryClient.SHIPPING);
		this.service.shippingDown(true);
		int reachedBefore = this.service.shippingQuotes();
		int calls = 12;
		for (int i = 1; i <= calls; i++) {
			quote("SHIP-" + i, circuit);
		}
		this.out.printf("the shipping service saw %d of %d calls; the others failed at once%n",
				this.service.shippingQuotes() - reachedBefore, calls);
		this.service.shippingDown(false);
		Duration wait = circuit.timeLeftOpen();
		this.out.printf("the shipping service is back; the breaker lets trial calls through in %d ms%n",
				wait.toMillis());
		try {
			Thread.sleep(wait.toMillis() + 20);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return;
		}
		for (int i = 1; i <= circuit.settings().halfOpenCalls() + 1; i++) {
			quote("SHIP-" + i, circuit);
		}
	}

	private void quote(String sku, Circuit circuit) {
		String outcome;
		try {
			outcome = "shipping " + this.client.shipping(sku);
		}
		catch (CircuitOpenException ex) {
			outcome = "rejected at once, retry after " + ex.retryAfter().toMillis() + " ms";
		}
		catch (Exception ex) {
			outcome = "failed: " + ex.getMessage();
		}
		this.out.printf("%-8s %-44s breaker %s%n", sku, outcome,
				circuit.state().name().toLowerCase(Locale.ROOT).replace('_', '-'));
	}

	/**
	 * A guard built in code retries a flaky lambda under a deadline per attempt, with the
	 * same engines, meters and properties as the annotations; then 25 change events in a
	 * row ask a {@code @Debounce} method to rebuild the search index, which runs once.
	 */
	private void guardAndDebounce() {
		AtomicInteger attempts = new AtomicInteger();
		Guard feed = this.asyncUtils.guard("catalog-feed")
			.retry((retry) -> retry.maxAttempts(4).delay(Duration.ofMillis(50)))
			.timeout((timeout) -> timeout.duration(Duration.ofMillis(500)))
			.build();
		try {
			String page = feed.call(() -> {
				if (attempts.incrementAndGet() < 3) {
					throw new IllegalStateException("feed busy");
				}
				return "catalog page 1";
			});
			this.out.printf("guard 'catalog-feed' (retry 4 x 50 ms, timeout 500 ms): '%s' after %d attempts%n", page,
					attempts.get());
		}
		catch (Exception ex) {
			this.out.println("guard 'catalog-feed' failed after " + attempts.get() + " attempts: " + ex);
		}
		int before = this.searchIndex.rebuilds();
		List<CompletableFuture<Integer>> requests = new ArrayList<>();
		for (int i = 1; i <= 25; i++) {
			requests.add(this.searchIndex.reindex("change event " + i));
		}
		int rebuild = requests.get(requests.size() - 1).join();
		boolean allSame = requests.stream().allMatch((request) -> request.join() == rebuild);
		this.out.printf(
				"25 change events -> %d reindex run(s), with the last event ('%s'); every caller got "
						+ "rebuild #%d: %s%n",
				this.searchIndex.rebuilds() - before, this.searchIndex.lastReason(), rebuild, allSame);
	}

	/**
	 * A noisy tenant asks for 25 quotes while a quiet one asks for 3: the noisy one waits
	 * for its own permits (5 back to back, then 20 a second), the quiet one is served at
	 * once from its own bucket.
	 */
	private void perTenant() {
		long start = System.nanoTime();
		CompletableFuture<Long> noisy = CompletableFuture.supplyAsync(() -> {
			for (int i = 0; i < 25; i++) {
				this.client.quote("noisy-tenant", "SKU-" + i);
			}
			return System.nanoTime();
		});
		for (int i = 0; i < 3; i++) {
			this.client.quote("quiet-tenant", "SKU-" + i);
		}
		long quietDone = System.nanoTime();
		long noisyDone = noisy.join();
		TokenBucket quotes = this.throttles.get(InventoryClient.QUOTES);
		this.out.printf(
				"noisy-tenant: 25 quotes in %d ms (it waited for its own permits)%n"
						+ "quiet-tenant:  3 quotes in %d ms (its own bucket was full)%n"
						+ "tenant buckets held: %d; quiet-tenant has %d of %d permits left%n",
				millisSince(start, noisyDone), millisSince(start, quietDone), quotes.keysHeld(),
				quotes.forKey("quiet-tenant").availablePermits(), quotes.settings().burst());
	}

	private void progress(int done, long start, Counts atStart) {
		long elapsed = System.nanoTime() - start;
		Counts sofar = counts().minus(atStart);
		this.out.printf(Locale.ROOT,
				"  %,6d/%,d reserved  %5.1f s  %4.0f a second  waited for a permit %,d times, 429s %d%n", done,
				BATCH_ITEMS, elapsed / 1e9, done / (elapsed / 1e9), sofar.throttleWaits, sofar.tooManyRequests);
	}

	private static String number(double value) {
		return (value == Math.rint(value)) ? String.valueOf((long) value) : String.valueOf(value);
	}

	private static long millisSince(long start, long end) {
		return (end - start) / 1_000_000;
	}

	private Counts counts() {
		return new Counts(count("asyncutils.batch.items", "result", "success"),
				count("asyncutils.batch.items", "result", "failure"), count("asyncutils.retry.retries"),
				count("asyncutils.timeout.calls", "result", "timed_out"), count("asyncutils.throttle.wait"),
				count("asyncutils.throttle.calls", "result", "rejected"),
				count("asyncutils.bounded.calls", "result", "rejected"), count("asyncutils.fallback.calls"),
				this.service.tooManyRequests());
	}

	/**
	 * The count of a meter summed over every instance: the value of a counter, the number
	 * of events of a timer.
	 */
	private long count(String name, String... tags) {
		double total = 0;
		for (Meter meter : this.meters.find(name).tags(tags).meters()) {
			for (Measurement measurement : meter.measure()) {
				if (measurement.getStatistic() == Statistic.COUNT) {
					total += measurement.getValue();
				}
			}
		}
		return Math.round(total);
	}

	/**
	 * The totals the summary is made of, at one moment.
	 */
	private record Counts(long itemsSucceeded, long itemsFailed, long retries, long timeouts, long throttleWaits,
			long throttleRejections, long boundedRejections, long fallbacks, long tooManyRequests) {

		Counts minus(Counts earlier) {
			return new Counts(this.itemsSucceeded - earlier.itemsSucceeded, this.itemsFailed - earlier.itemsFailed,
					this.retries - earlier.retries, this.timeouts - earlier.timeouts,
					this.throttleWaits - earlier.throttleWaits, this.throttleRejections - earlier.throttleRejections,
					this.boundedRejections - earlier.boundedRejections, this.fallbacks - earlier.fallbacks,
					this.tooManyRequests - earlier.tooManyRequests);
		}

	}

}
