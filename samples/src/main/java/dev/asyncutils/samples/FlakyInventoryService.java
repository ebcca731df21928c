package dev.asyncutils.samples;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Service;

/**
 * Stands in for a slow, flaky downstream system: every call takes some latency, about one
 * in four fails, and about one in ten hangs far longer than any caller should wait. The
 * random sequence is seeded, so every run of the tour behaves the same way.
 */
@Service
public class FlakyInventoryService {

	private static final double FAILURE_RATE = 0.25;

	private static final double HANG_RATE = 0.10;

	private static final long HANG_MILLIS = 5_000;

	private final Random random = new Random(42);

	private final AtomicInteger calls = new AtomicInteger();

	private final AtomicInteger failures = new AtomicInteger();

	private final AtomicInteger hangs = new AtomicInteger();

	private final AtomicInteger stockHangs = new AtomicInteger();

	private final AtomicInteger checksInFlight = new AtomicInteger();

	private final AtomicInteger maxChecksInFlight = new AtomicInteger();

	private final AtomicInteger checks = new AtomicInteger();

	private final Set<String> refusedOnce = ConcurrentHashMap.newKeySet();

	private final AtomicInteger reservations = new AtomicInteger();

	/**
	 * Look the stock of an article up, blocking.
	 * @param sku the article
	 * @return units in stock
	 * @throws IOException when the service fails
	 * @throws InterruptedException when the caller gives up while it waits
	 */
	public int stock(String sku) throws IOException, InterruptedException {
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
	 * @return the price, eventually
	 */
	public CompletableFuture<BigDecimal> price(String sku) {
		long latency;
		try {
			latency = latencyMillis();
		}
		catch (IOException ex) {
			return CompletableFuture.failedFuture(ex);
		}
		BigDecimal price = BigDecimal.valueOf(100 + Math.floorMod(sku.hashCode(), 900), 2);
		return CompletableFuture.supplyAsync(() -> price,
				CompletableFuture.delayedExecutor(latency, TimeUnit.MILLISECONDS));
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
	 * Return how often the service was called.
	 * @return the call count
	 */
	public int calls() {
		return this.calls.get();
	}

	/**
	 * Return how many calls failed.
	 * @return the failure count
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
	 * @return whether it ships today, eventually
	 */
	public CompletableFuture<Boolean> checkAvailability(String sku) {
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
	 * Reserve one unit of an article, blocking for 1 to 3 ms. The first attempt for every
	 * twentieth article is refused, so a batch job sees a known number of failures to
	 * retry.
	 * @param sku the article
	 * @return the reservation id
	 * @throws IOException when the reservation is refused
	 * @throws InterruptedException when the caller gives up while it waits
	 */
	public String reserve(String sku) throws IOException, InterruptedException {
		this.reservations.incrementAndGet();
		Thread.sleep(1 + Math.floorMod(sku.hashCode(), 3));
		if (Math.floorMod(sku.hashCode(), 20) == 0 && this.refusedOnce.add(sku)) {
			throw new IOException("reservation of " + sku + " refused, try again");
		}
		return "R-" + sku;
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
	 * Return how many calls hung.
	 * @return the hang count
	 */
	public int hangs() {
		return this.hangs.get();
	}

}
