package dev.asyncutils.web;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import reactor.core.publisher.Mono;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import dev.asyncutils.BoundedRejectedException;
import dev.asyncutils.CircuitOpenException;
import dev.asyncutils.CircuitState;
import dev.asyncutils.ThrottleRejectedException;
import dev.asyncutils.TimeoutExceededException;
import dev.asyncutils.annotation.CircuitBreaker;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.annotation.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Problem responses over real HTTP on loopback, the same checks for Spring MVC (Tomcat)
 * and WebFlux (Netty): our exceptions become 429 + Retry-After, 503 (+ Retry-After while
 * a circuit is open) and 504 with an {@code application/problem+json} body naming the
 * instance; the application's own handlers win; {@code async-utils.web.enabled=false}
 * switches it off.
 */
@TestInstance(Lifecycle.PER_CLASS)
abstract class ProblemResponseTestSupport {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

	private ConfigurableApplicationContext context;

	private ConfigurableApplicationContext disabled;

	abstract WebApplicationType type();

	@BeforeAll
	void start() {
		this.context = launch();
		this.disabled = launch("async-utils.web.enabled=false");
	}

	private ConfigurableApplicationContext launch(String... properties) {
		return new SpringApplicationBuilder(App.class).web(type())
			.properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
					"spring.autoconfigure.exclude=org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
			.properties(properties)
			.run();
	}

	@AfterAll
	void stop() {
		if (this.context != null) {
			this.context.close();
		}
		if (this.disabled != null) {
			this.disabled.close();
		}
	}

	private HttpResponse<String> get(ConfigurableApplicationContext context, String path) throws Exception {
		String port = context.getEnvironment().getProperty("local.server.port");
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.GET()
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String path) throws Exception {
		return get(this.context, path);
	}

	private static Map<String, Object> problem(HttpResponse<String> response, int status, String path) {
		assertThat(response.statusCode()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		Map<String, Object> body = JsonParserFactory.getJsonParser().parseMap(response.body());
		assertThat(body).containsEntry("status", status)
			.containsEntry("title", HttpStatus.valueOf(status).getReasonPhrase())
			.containsEntry("instance", path);
		return body;
	}

	@Test
	void throttleRejectionIs429WithRetryAfterInWholeSeconds() throws Exception {
		assertThat(get("/throttled").statusCode()).isEqualTo(200);
		HttpResponse<String> rejected = get("/throttled");
		Map<String, Object> body = problem(rejected, 429, "/throttled");
		assertThat(body).containsEntry("name", "api");
		assertThat((String) body.get("detail")).contains("Throttle 'api'");
		// one permit per hour: the next is about 3600 s away, never more
		long retryAfter = Long.parseLong(rejected.headers().firstValue("Retry-After").orElseThrow());
		assertThat(retryAfter).isBetween(3000L, 3600L);
	}

	@Test
	void retryAfterIsRoundedUpAndAtLeastOne() throws Exception {
		assertThat(get("/rejected?millis=1500").headers().firstValue("Retry-After")).hasValue("2");
		assertThat(get("/rejected?millis=2000").headers().firstValue("Retry-After")).hasValue("2");
		assertThat(get("/rejected?millis=0").headers().firstValue("Retry-After")).hasValue("1");
		assertThat(get("/rejected?millis=1").headers().firstValue("Retry-After")).hasValue("1");
	}

	@Test
	void boundedRejectionIs503() throws Exception {
		HttpResponse<String> response = get("/bounded");
		Map<String, Object> body = problem(response, 503, "/bounded");
		assertThat((String) body.get("detail")).contains("Bounded 'pool'");
		assertThat(response.headers().firstValue("Retry-After")).isEmpty();
	}

	@Test
	void openCircuitIs503WithRetryAfterUntilTrialCalls() throws Exception {
		assertThat(get("/circuit?fail=true").statusCode()).isEqualTo(500);
		HttpResponse<String> rejected = get("/circuit?fail=false");
		Map<String, Object> body = problem(rejected, 503, "/circuit");
		assertThat(body).containsEntry("name", "shipping");
		assertThat((String) body.get("detail")).startsWith("Circuit breaker 'shipping' is open and rejected the call")
			.contains("trial calls through in");
		// open for 90 s: the trial calls are at most that far away
		long retryAfter = Long.parseLong(rejected.headers().firstValue("Retry-After").orElseThrow());
		assertThat(retryAfter).isBetween(30L, 90L);
	}

	@Test
	void halfOpenCircuitIs503WithoutRetryAfter() throws Exception {
		HttpResponse<String> rejected = get("/half-open");
		Map<String, Object> body = problem(rejected, 503, "/half-open");
		assertThat(body).containsEntry("name", "trial")
			.containsEntry("detail",
					"Circuit breaker 'trial' is half-open and rejected the call: its trial calls are taken");
		assertThat(rejected.headers().firstValue("Retry-After")).isEmpty();
	}

	@Test
	void timeoutIs504() throws Exception {
		Map<String, Object> body = problem(get("/slow"), 504, "/slow");
		assertThat(body).containsEntry("name", "slow");
		assertThat((String) body.get("detail")).contains("Timeout 'slow'", "100ms");
	}

	@Test
	void theApplicationsOwnHandlersWin() throws Exception {
		HttpResponse<String> local = get("/own/local");
		assertThat(local.statusCode()).isEqualTo(418);
		assertThat(local.body()).isEqualTo("local handler: pool");
		HttpResponse<String> advised = get("/own/advised");
		assertThat(advised.statusCode()).isEqualTo(409);
		assertThat(advised.body()).isEqualTo("advice: slow");
	}

	@Test
	void otherExceptionsAreLeftAlone() throws Exception {
		assertThat(get("/other").statusCode()).isEqualTo(500);
	}

	@Test
	void switchedOffOurExceptionsAre500() throws Exception {
		assertThat(get(this.disabled, "/bounded").statusCode()).isEqualTo(500);
		assertThat(get(this.disabled, "/rejected?millis=1500").statusCode()).isEqualTo(500);
		assertThat(get(this.disabled, "/half-open").statusCode()).isEqualTo(500);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		Guarded guarded() {
			return new Guarded();
		}

		@Bean
		Endpoints endpoints(Guarded guarded) {
			return new Endpoints(guarded);
		}

		@Bean
		OwnHandling ownHandling() {
			return new OwnHandling();
		}

		@Bean
		OwnAdvice ownAdvice() {
			return new OwnAdvice();
		}

	}

	static class Guarded {

		@Throttle(name = "api", rate = 1, per = "1h", maxWait = "0")
		public Mono<String> throttled() {
			return Mono.just("ok");
		}

		@Timeout(name = "slow", value = "100ms")
		public CompletableFuture<String> slow() {
			return new CompletableFuture<>();
		}

		@CircuitBreaker(name = "shipping", minimumCalls = 1, windowCalls = 1, waitInOpen = "90s")
		public String shipping(boolean fail) {
			if (fail) {
				throw new IllegalStateException("shipping service down");
			}
			return "ok";
		}

	}

	@RestController
	static class Endpoints {

		private final Guarded guarded;

		Endpoints(Guarded guarded) {
			this.guarded = guarded;
		}

		@GetMapping("/throttled")
		Mono<String> throttled() {
			return this.guarded.throttled();
		}

		@GetMapping("/slow")
		CompletableFuture<String> slow() {
			return this.guarded.slow();
		}

		@GetMapping("/bounded")
		String bounded() {
			throw new BoundedRejectedException("pool", 4, "all slots taken");
		}

		@GetMapping("/rejected")
		String rejected(@RequestParam long millis) {
			throw new ThrottleRejectedException("x", Duration.ofMillis(millis), "no permit");
		}

		@GetMapping("/circuit")
		String circuit(@RequestParam boolean fail) {
			return this.guarded.shipping(fail);
		}

		@GetMapping("/half-open")
		String halfOpen() {
			throw new CircuitOpenException("trial", CircuitState.HALF_OPEN, Duration.ZERO);
		}

		@GetMapping("/other")
		String other() {
			throw new IllegalStateException("not ours");
		}

	}

	@RestController
	static class OwnHandling {

		@GetMapping("/own/local")
		String local() {
			throw new BoundedRejectedException("pool", 4, "all slots taken");
		}

		@GetMapping("/own/advised")
		String advised() {
			throw new TimeoutExceededException("slow", Duration.ofMillis(100));
		}

		@ExceptionHandler(BoundedRejectedException.class)
		ResponseEntity<String> handle(BoundedRejectedException ex) {
			return ResponseEntity.status(418).body("local handler: " + ex.name());
		}

	}

	@RestControllerAdvice(assignableTypes = OwnHandling.class)
	static class OwnAdvice {

		@ExceptionHandler(TimeoutExceededException.class)
		ResponseEntity<String> handle(TimeoutExceededException ex) {
			return ResponseEntity.status(409).body("advice: " + ex.name());
		}

	}

}
