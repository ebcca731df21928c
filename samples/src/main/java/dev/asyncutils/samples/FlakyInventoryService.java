package dev.asyncutils.samples;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Service;

/**
 * Stands in for a slow, flaky downstream system: every call takes some latency, about one
 * in four stock or price look-ups fails, and about one in ten hangs far longer than any
 * caller should wait. The random sequence is seeded, so runs of the tour behave alike (a
 * call that is late by accident, on a busy machine, shifts the sequence).
 * <p>
 * Like a real API it has its own rate limit ({@code sample.downstream.*}): every endpoint
 * admits at most {@code limit} calls within any sliding window and answers the next one
 * with "429 Too Many Requests" ({@link TooManyRequestsException}), counted by
 * {@link #tooManyRequests()}.
 */
@Service
public class FlakyInventoryService {

	private static final double FAILURE_RATE = 0.25;

	private static final double HANG_RATE = 0.10;

	private static final long HANG_MILLIS = 5_000;

	private final Random random = new Random(42);

	private final DownstreamProperties limits;

	private final Map<Endpoint, SlidingWindowLimit> rateLimits = new EnumMap<>(Endpoint.class);

	private final AtomicInteger tooManyRequests = new AtomicInteger();

	private final AtomicInteger calls = new AtomicInteger();

	private final AtomicInteger failures = new AtomicInteger();

	private final AtomicInteger hangs = new AtomicInteger();

	private final AtomicInteger stockHangs = new AtomicInteger();

	private final AtomicInteger checksInFlight = new AtomicInteger();

	private final AtomicInteger maxChecksInFlight = new AtomicInteger();

	private final AtomicInteger checks = new AtomicInteger();

	private final Set<String> refusedOnce = ConcurrentHashMap.newKeySet();

	private final AtomicInteger reservations = new AtomicInteger();

	private final AtomicInteger shippingQuotes = new AtomicInteger();

	private volatile boolean shippingDown;

	/**
	 * Create the service.
	 * @param limits its rate limit per endpoint
	 */
	public FlakyInventoryService(DownstreamProperties limits) {
		this.limits = limits;
		for (Endpoint endpoint : Endpoint.values()) {
			this.rateLimits.put(endpoint, new SlidingWindowLimit(limits));
		}
	}

	/**
	 * Look the stock of an article up, blocking.
	 * @param sku the article
	 * @return units in stock
	 * @throws IOException when the service fails, {@link TooManyRequestsException} when
	 * called too often
	 * @throws InterruptedException when the caller gives up while it waits
	 */
	public int stock(String sku) throws IOException, InterruptedException {
		admit(Endpoint.STOCK);
		long latency = latencyMillis();
		if (latency >= HANG_MILLIS) {
			this.stockHangs.incrementAndGet();
		}
		Thread.sleep(latency);
		return 10 + Math.floorMod(sku.hashCode(), 90);
	}

	/**
	 * Look the price of an article up, asynchronously.
	 * @param sku the article
	 * @return the price, eventually; fails with {@link TooManyRequestsException} when
	 * called too often
	 */
	public CompletableFuture<BigDecimal> price(String sku) {
		long latency;
		try {
			admit(Endpoint.PRICE);
			latency = latencyMillis();
		}
		catch (IOException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		BigDecimal price = BigDecimal.valueOf(100 + Math.floorMod(sku.hashCode(), 900), 2);
		return CompletableFuture.supplyAsync(() -> price,
				CompletableFuture.delayedExecutor(latency, TimeUnit.MILLISECONDS));
	}

	private void admit(Endpoint endpoint) throws TooManyRequestsException {
		if (!this.rateLimits.get(endpoint).tryAcquire()) {
			this.tooManyRequests.incrementAndGet();
			throw new TooManyRequestsException(endpoint.path, this.limits);
		}
	}

	private long latencyMillis() throws IOException {
		this.calls.incrementAndGet();
		double roll;
		long jitter;
		synchronized (this.random) {
			roll = this.random.nextDouble();
			jitter = this.random.nextInt(20);
		}
		if (roll < FAILURE_RATE) {
			this.failures.incrementAndGet();
			throw new IOException("inventory service unavailable");
		}
		if (roll < FAILURE_RATE + HANG_RATE) {
			this.hangs.incrementAndGet();
			return HANG_MILLIS;
		}
		return 5 + jitter;
	}

	/**
	 * Return how often a stock or a price was looked up (every attempt counts).
	 * @return the count of look-ups that got past the rate limit
	 */
	public int calls() {
		return this.calls.get();
	}

	/**
	 * Return how many look-ups failed.
	 * @return the count of injected failures
	 */
	public int failures() {
		return this.failures.get();
	}

	/**
	 * Return how many calls of {@link #stock(String)} hung.
	 * @return the hang count of stock look-ups
	 */
	public int stockHangs() {
		return this.stockHangs.get();
	}

	/**
	 * Check whether an article can be shipped today: a reliable call of 10 to 30 ms that
	 * counts how many checks are in flight at once.
	 * @param sku the article
	 * @return whether it ships today, eventually; fails with
	 * {@link TooManyRequestsException} when called too often
	 */
	public CompletableFuture<Boolean> checkAvailability(String sku) {
		try {
			admit(Endpoint.AVAILABILITY);
		}
		catch (TooManyRequestsException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		this.checks.incrementAndGet();
		this.maxChecksInFlight.accumulateAndGet(this.checksInFlight.incrementAndGet(), Math::max);
		long latency;
		synchronized (this.random) {
			latency = 10 + this.random.nextInt(20);
		}
		return CompletableFuture.supplyAsync(() -> {
			this.checksInFlight.decrementAndGet();
			return Math.floorMod(sku.hashCode(), 3) != 0;
		}, CompletableFuture.delayedExecutor(latency, TimeUnit.MILLISECONDS));
	}

	/**
	 * Reserve one unit of an article, blocking for 1 to 3 ms. The first attempt for about
	 * every fiftieth article is refused, so a batch job sees a known number of failures
	 * to retry.
	 * @param sku the article
	 * @return the reservation id
	 * @throws IOException when the reservation is refused,
	 * {@link TooManyRequestsException} when called too often
	 * @throws InterruptedException when the caller gives up while it waits
	 */
	public String reserve(String sku) throws IOException, InterruptedException {
		admit(Endpoint.RESERVATIONS);
		this.reservations.incrementAndGet();
		Thread.sleep(1 + Math.floorMod(sku.hashCode(), 3));
		if (Math.floorMod(sku.hashCode(), 50) == 0 && this.refusedOnce.add(sku)) {
			throw new IOException("reservation of " + sku + " refused, try again");
		}
		return "R-" + sku;
	}

	/**
	 * Quote the shipping cost of an article: fails at once while the shipping service is
	 * down.
	 * @param sku the article
	 * @return the cost
	 * @throws IOException while the shipping service is down
	 */
	public BigDecimal shippingQuote(String sku) throws IOException {
		this.shippingQuotes.incrementAndGet();
		if (this.shippingDown) {
			throw new IOException("shipping service down");
		}
		return BigDecimal.valueOf(4 + Math.floorMod(sku.hashCode(), 5)).add(new BigDecimal("0.90"));
	}

	/**
	 * Take the shipping service down, or bring it back.
	 * @param down whether it fails every call
	 */
	public void shippingDown(boolean down) {
		this.shippingDown = down;
	}

	/**
	 * Return how many shipping quotes reached the service.
	 * @return the quote count
	 */
	public int shippingQuotes() {
		return this.shippingQuotes.get();
	}

	/**
	 * Return how many reservations were attempted.
	 * @return the reservation attempts
	 */
	public int reservations() {
		return this.reservations.get();
	}

	/**
	 * Return how many reservations were refused once.
	 * @return the refused reservations
	 */
	public int refusedReservations() {
		return this.refusedOnce.size();
	}

	/**
	 * Return the most availability checks that were in flight at once.
	 * @return the peak concurrency seen by the service
	 */
	public int maxChecksInFlight() {
		return this.maxChecksInFlight.get();
	}

	/**
	 * Return how many availability checks were made.
	 * @return the check count
	 */
	public int checks() {
		return this.checks.get();
	}

	/**
	 * Return how many look-ups hung.
	 * @return the count of injected hangs
	 */
	public int hangs() {
		return this.hangs.get();
	}

	/**
	 * Return how many calls were answered with "429 Too Many Requests".
	 * @return the count of calls over the rate limit, all endpoints together
	 */
	public int tooManyRequests() {
		return this.tooManyRequests.get();
	}

	/**
	 * Return the most calls one endpoint admitted within one window: how close the
	 * callers came to the rate limit.
	 * @return the peak over all endpoints, at most {@code limits().limit()}
	 */
	public int peakCallsInWindow() {
		return this.rateLimits.values().stream().mapToInt(SlidingWindowLimit::peak).max().orElse(0);
	}

	/**
	 * Return the rate limit of every endpoint.
	 * @return the limit and its window
	 */
	public DownstreamProperties limits() {
		return this.limits;
	}

	private enum Endpoint {

		STOCK("/stock"), PRICE("/price"), AVAILABILITY("/availability"), RESERVATIONS("/reservations");

		private final String path;

		Endpoint(String path) {
			this.path = path;
		}

	}

}
