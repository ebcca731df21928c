package dev.asyncutils.samples;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.stereotype.Component;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.CircuitBreaker;
import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.annotation.Timeout;

/**
 * The annotated client: every guard lives in annotations and {@code application.yml},
 * none in the method bodies.
 */
@Component
public class InventoryClient {

	/** The throttle instance of every call that reaches the inventory API in bulk. */
	public static final String THROTTLE = "inventory-api";

	/** The circuit breaker in front of the shipping service. */
	public static final String SHIPPING = "shipping";

	/** The throttle instance of quotes: one bucket per tenant. */
	public static final String QUOTES = "tenant-quotes";

	private static final Log logger = LogFactory.getLog(InventoryClient.class);

	private final FlakyInventoryService service;

	private final AtomicInteger fallbacks = new AtomicInteger();

	private final AtomicInteger cleanups = new AtomicInteger();

	/**
	 * Create the client.
	 * @param service the downstream service
	 */
	public InventoryClient(FlakyInventoryService service) {
		this.service = service;
	}

	/**
	 * Stock, blocking: three attempts (settings of instance {@code inventory} in
	 * {@code application.yml}), 300ms each, and -1 (unknown) from the fallback when all
	 * fail. A timed-out attempt is abandoned by the cleanup method.
	 * @param sku the article
	 * @return units in stock, or -1 when unknown
	 * @throws Exception when the service fails
	 */
	@Fallback("stockUnknown")
	@Retry(name = "inventory")
	@Timeout(value = "300ms", cleanup = "abandon")
	public int stock(String sku) throws Exception {
		return this.service.stock(sku);
	}

	/**
	 * Price, asynchronously: retried and timed out without blocking a thread. The
	 * deadline comes from {@code application.yml}: instance
	 * {@code [InventoryClient.price]}, the default name of this method's
	 * {@code @Timeout}.
	 * @param sku the article
	 * @return the price, eventually
	 */
	@Retry(name = "prices", maxAttempts = 4, delay = "20ms")
	@Timeout
	public CompletableFuture<BigDecimal> price(String sku) {
		return this.service.price(sku);
	}

	/**
	 * Availability, asynchronously: at most 4 checks in flight (instance
	 * {@code availability} in {@code application.yml}), and a permit of the
	 * {@code inventory-api} throttle for each; callers beyond that wait in line without a
	 * thread.
	 * @param sku the article
	 * @return whether it ships today, eventually
	 */
	@Bounded(name = "availability")
	@Throttle(name = THROTTLE)
	public CompletableFuture<Boolean> available(String sku) {
		return this.service.checkAvailability(sku);
	}

	/**
	 * Reserve one unit, blocking; a refused reservation is retried. Every attempt takes a
	 * permit of the {@code inventory-api} throttle (shared with {@link #available}),
	 * which keeps the batch job under the downstream's own rate limit: the caller's
	 * thread waits for the permit instead of getting "429 Too Many Requests".
	 * @param sku the article
	 * @return the reservation id
	 * @throws Exception when the reservation fails for good
	 */
	@Retry(name = "reservations", maxAttempts = 3, delay = "5ms")
	@Throttle(name = THROTTLE)
	public String reserve(String sku) throws Exception {
		return this.service.reserve(sku);
	}

	/**
	 * Shipping cost, blocking, behind the circuit breaker {@code shipping} (settings in
	 * {@code application.yml}): once half of the last calls failed, calls fail at once
	 * with {@code CircuitOpenException} without reaching the service, until trial calls
	 * find it back.
	 * @param sku the article
	 * @return the cost
	 * @throws IOException when the service fails
	 */
	@CircuitBreaker(name = SHIPPING)
	public BigDecimal shipping(String sku) throws IOException {
		return this.service.shippingQuote(sku);
	}

	/**
	 * A quote for a tenant, blocking: every tenant has its own bucket of the
	 * {@code tenant-quotes} throttle ({@code key = "#tenant"}; rate, burst and a second,
	 * hourly limit in {@code application.yml}), so a noisy tenant waits for its own
	 * permits while the others go on at once.
	 * @param tenant the tenant asking
	 * @param sku the article
	 * @return the quote
	 */
	@Throttle(name = QUOTES, key = "#tenant")
	public String quote(String tenant, String sku) {
		return tenant + ":" + sku;
	}

	/**
	 * Description, reactive: the policy applies per subscription.
	 * @param sku the article
	 * @return the description
	 */
	@Fallback("noDescription")
	@Retry(name = "descriptions", delay = "10ms")
	@Timeout("200ms")
	public Mono<String> describe(String sku) {
		return Mono.fromFuture(() -> this.service.price(sku))
			.map((price) -> sku + " at " + price)
			.delayElement(Duration.ofMillis(1));
	}

	private int stockUnknown(String sku, Throwable failure) {
		this.fallbacks.incrementAndGet();
		logger.info("stock of " + sku + " unknown, every attempt failed; the last one with " + failure);
		return -1;
	}

	private Mono<String> noDescription(String sku) {
		this.fallbacks.incrementAndGet();
		return Mono.just(sku + " (no description)");
	}

	private void abandon(String sku) {
		this.cleanups.incrementAndGet();
		logger.info("gave up waiting for the stock of " + sku + "; abandoning the request");
	}

	/**
	 * Return how often a fallback answered.
	 * @return the fallback count
	 */
	public int fallbacks() {
		return this.fallbacks.get();
	}

	/**
	 * Return how often a timed-out call was cleaned up.
	 * @return the cleanup count
	 */
	public int cleanups() {
		return this.cleanups.get();
	}

}
