package dev.asyncutils.samples;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.ActiveProfiles;

import dev.asyncutils.CircuitState;
import dev.asyncutils.circuitbreaker.Circuit;
import dev.asyncutils.circuitbreaker.CircuitBreakerRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample application as a user runs it: the tour in a real application context
 * without a web server, checked against the downstream's and the client's own counts; and
 * the {@code server} profile ({@code --server}) with the actuator endpoints over real
 * HTTP.
 */
class SampleApplicationTests {

	/** Articles whose first reservation the downstream refuses (hash-determined). */
	private static final int REFUSED_RESERVATIONS = 61;

	@Nested
	@SpringBootTest(properties = "sample.tour.enabled=false")
	@ExtendWith(OutputCaptureExtension.class)
	class TourRun {

		@Autowired
		private Tour tour;

		@Autowired
		private FlakyInventoryService service;

		@Autowired
		private InventoryClient client;

		@Autowired
		private MeterRegistry meters;

		@Autowired
		private ApplicationContext context;

		@Test
		void keepsUnderTheDownstreamsRateLimitAndAccountsForEveryItem(CapturedOutput output) {
			TourSummary summary = this.tour.run();

			// the throttle kept every endpoint under the downstream's limit
			assertThat(summary.tooManyRequests()).isZero();
			assertThat(this.service.tooManyRequests()).isZero();
			assertThat(summary.downstreamLimit()).isEqualTo(700);
			assertThat(summary.peakCallsInWindow()).isPositive().isLessThan(summary.downstreamLimit());

			// every batch item accounted for, and every one reserved
			assertThat(summary.batchItems()).isEqualTo(3_000);
			assertThat(summary.itemsProcessed()).isEqualTo(3_000);
			assertThat(summary.itemsSucceeded() + summary.itemsFailed()).isEqualTo(3_000);
			assertThat(summary.itemsSucceeded()).isEqualTo(3_000);
			assertThat(summary.itemsFailed()).isZero();

			// each refused reservation retried once, every attempt through the throttle
			assertThat(this.service.refusedReservations()).isEqualTo(REFUSED_RESERVATIONS);
			assertThat(this.service.reservations()).isEqualTo(3_000 + REFUSED_RESERVATIONS);
			assertThat(count("asyncutils.retry.retries", "name", "reservations")).isEqualTo(REFUSED_RESERVATIONS);
			assertThat(count("asyncutils.throttle.calls", "name", "inventory-api", "result", "permitted"))
				.isEqualTo(100 + 3_000 + REFUSED_RESERVATIONS);

			// the throttle really worked: calls waited for a permit, none was rejected
			assertThat(summary.throttleWaits()).isPositive().isLessThanOrEqualTo(100 + 3_000 + REFUSED_RESERVATIONS);
			assertThat(summary.throttleRejections()).isZero();

			// per tenant: the noisy tenant's 25 quotes waited in its own bucket, the
			// quiet
			// tenant's 3 did not, and neither was rejected
			assertThat(output).contains("quiet-tenant:  3 quotes in", "tenant buckets held: 2;");
			assertThat(count("asyncutils.throttle.calls", "name", "tenant-quotes", "result", "rejected")).isZero();

			// the burst: 100 checks, all admitted by @Bounded, never more than 4 at once
			assertThat(this.service.checks()).isEqualTo(100);
			assertThat(this.service.maxChecksInFlight()).isEqualTo(4);
			assertThat(count("asyncutils.bounded.calls", "name", "availability", "result", "permitted")).isEqualTo(100);
			assertThat(summary.boundedRejections()).isZero();
			assertThat(summary.rejections()).isZero();

			// look-ups: 20 articles, 3 look-ups each (stock, price, description); every
			// retry is one more call at the downstream
			assertThat(this.service.failures()).isPositive();
			assertThat(summary.retries()).isEqualTo(this.service.calls() - 60 + REFUSED_RESERVATIONS);
			// every attempt either completed or timed out; every injected hang timed out
			// (a slow machine may add some), and each timed-out stock look-up was cleaned
			// up
			assertThat(summary.timeouts() + count("asyncutils.timeout.calls", "result", "completed")
					- count("asyncutils.timeout.calls", "name", "catalog-feed", "result", "completed"))
				.isEqualTo(this.service.calls());
			assertThat(summary.timeouts()).isGreaterThanOrEqualTo(this.service.hangs()).isPositive();
			assertThat(count("asyncutils.timeout.calls", "name", "InventoryClient.stock", "result", "timed_out"))
				.isEqualTo(this.client.cleanups())
				.isGreaterThanOrEqualTo(this.service.stockHangs());
			// the fallback methods answered exactly as often as the meters say
			assertThat(summary.fallbacks()).isEqualTo(this.client.fallbacks()).isPositive();

			// printed: progress lines as the batch job goes, then the summary table
			assertThat(output.getOut()).contains("     500/3,000 reserved", "   3,000/3,000 reserved")
				.containsPattern("\\| tour summary \\(\\d+\\.\\d s\\)\\s+\\|")
				.containsPattern("\\| batch items processed\\s+\\| 3000 of 3000 \\|")
				.containsPattern("\\| retries\\s+@Retry\\s+\\|\\s+" + summary.retries() + " \\|")
				.containsPattern("\\| throttle waits\\s+@Throttle\\s+\\|\\s+" + summary.throttleWaits() + " \\|")
				.containsPattern("\\| rejections \\(throttle \\+ bounded\\)\\s+\\|\\s+0 \\(0 \\+ 0\\) \\|")
				.containsPattern("\\| downstream: 429 Too Many Requests\\s+\\|\\s+0 \\|");
			assertThat(this.tour.getExitCode()).isZero();

			// step 4: the guard retried its lambda twice; 25 change events, one reindex
			assertThat(count("asyncutils.retry.retries", "name", "catalog-feed")).isEqualTo(2);
			assertThat(count("asyncutils.timeout.calls", "name", "catalog-feed", "result", "completed")).isEqualTo(3);
			assertThat(count("asyncutils.debounce.calls", "name", "reindex")).isEqualTo(25);
			assertThat(count("asyncutils.debounce.runs", "name", "reindex")).isEqualTo(1);
			assertThat(output.getOut()).contains(
					"guard 'catalog-feed' (retry 4 x 50 ms, timeout 500 ms): " + "'catalog page 1' after 3 attempts",
					"25 change events -> 1 reindex run(s), with the last event ('change event 25'); every caller got "
							+ "rebuild #1: true");
			// the outage: the breaker opened on the failing shipping service, later calls
			// failed at once without reaching it, and trial calls closed it once it was
			// back
			Circuit shipping = this.context.getBean(CircuitBreakerRegistry.class).get(InventoryClient.SHIPPING);
			assertThat(shipping.state()).isEqualTo(CircuitState.CLOSED);
			assertThat(count("asyncutils.circuitbreaker.calls", "name", "shipping", "result", "not_permitted"))
				.isPositive()
				.isEqualTo(12 + 4 - this.service.shippingQuotes());
			assertThat(output.getOut()).contains("rejected at once, retry after", "breaker open", "breaker half-open");

			// no web server without --server
			assertThat(this.context).isNotInstanceOf(WebServerApplicationContext.class);
		}

		private long count(String name, String... tags) {
			return Math.round(this.meters.get(name)
				.tags(tags)
				.functionCounters()
				.stream()
				.mapToDouble(FunctionCounter::count)
				.sum());
		}

	}

	@Nested
	@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "sample.tour.enabled=false")
	@ActiveProfiles(SampleApplication.SERVER_PROFILE)
	class ServerProfile {

		private static final HttpClient http = HttpClient.newHttpClient();

		@Value("${local.server.port}")
		private int port;

		@Test
		@SuppressWarnings("unchecked")
		void listsTheSamplesInstancesAtTheAsyncUtilsEndpoint() throws Exception {
			HttpResponse<String> response = get("/actuator/asyncutils");
			assertThat(response.statusCode()).isEqualTo(200);
			Map<String, Object> body = JsonParserFactory.getJsonParser().parseMap(response.body());
			assertThat(body).containsOnlyKeys("throttles", "retries", "timeouts", "bounded", "fallbacks", "debounces",
					"circuitBreakers", "batch");
			assertThat((Map<String, Object>) body.get("circuitBreakers")).containsOnlyKeys("shipping");
			assertThat((Map<String, Object>) body.get("debounces")).containsOnlyKeys("reindex");
			assertThat((Map<String, Object>) body.get("throttles")).containsOnlyKeys("inventory-api", "tenant-quotes");
			assertThat((Map<String, Object>) body.get("bounded")).containsOnlyKeys("availability");
			assertThat((Map<String, Object>) body.get("retries")).containsOnlyKeys("inventory", "prices",
					"reservations", "descriptions");
			assertThat((Map<String, Object>) body.get("timeouts")).containsOnlyKeys("InventoryClient.stock",
					"InventoryClient.price", "InventoryClient.describe");
			assertThat((Map<String, Object>) body.get("fallbacks")).containsOnlyKeys("InventoryClient.stock",
					"InventoryClient.describe");

			// the settings of application.yml, merged
			Map<String, Object> throttle = (Map<String, Object>) ((Map<String, Object>) body.get("throttles"))
				.get("inventory-api");
			assertThat((Map<String, Object>) throttle.get("settings")).containsEntry("rate", 500.0)
				.containsEntry("per", "1s")
				.containsEntry("burst", 25)
				.containsEntry("maxWait", "5s");
			Map<String, Object> price = (Map<String, Object>) ((Map<String, Object>) body.get("timeouts"))
				.get("InventoryClient.price");
			assertThat((Map<String, Object>) ((Map<String, Object>) price.get("methods"))
				.get("InventoryClient.price(String)")).containsEntry("timeout", "200ms");
			Map<String, Object> bounded = (Map<String, Object>) ((Map<String, Object>) body.get("bounded"))
				.get("availability");
			assertThat((Map<String, Object>) bounded.get("settings")).containsEntry("maxConcurrent", 4)
				.containsEntry("maxWait", "10s")
				.containsEntry("maxQueued", 500);
		}

		@Test
		void exposesOneInstanceMetricsAndHealthButNothingElse() throws Exception {
			HttpResponse<String> throttle = get("/actuator/asyncutils/inventory-api");
			assertThat(throttle.statusCode()).isEqualTo(200);
			assertThat(JsonParserFactory.getJsonParser().parseMap(throttle.body())).containsOnlyKeys("throttle");
			assertThat(get("/actuator/asyncutils/no-such-instance").statusCode()).isEqualTo(404);
			assertThat(get("/actuator/metrics/asyncutils.throttle.wait").statusCode()).isEqualTo(200);
			assertThat(get("/actuator/health").statusCode()).isEqualTo(200);
			assertThat(get("/actuator/env").statusCode()).isEqualTo(404);
		}

		private HttpResponse<String> get(String path) throws Exception {
			return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).GET().build(),
					HttpResponse.BodyHandlers.ofString());
		}

	}

}
