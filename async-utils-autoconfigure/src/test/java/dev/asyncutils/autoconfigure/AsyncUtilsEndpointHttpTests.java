package dev.asyncutils.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.json.JsonParserFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.asyncutils.annotation.Bounded;
import dev.asyncutils.annotation.CircuitBreaker;
import dev.asyncutils.annotation.Debounce;
import dev.asyncutils.annotation.Fallback;
import dev.asyncutils.annotation.Retry;
import dev.asyncutils.annotation.Throttle;
import dev.asyncutils.annotation.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code asyncutils} endpoint over real HTTP, in a web application on a random port:
 * every instance by kind with effective settings (properties merged) and live state, one
 * instance by name, 404 for an unknown name, and nothing when the endpoint is not
 * exposed.
 */
class AsyncUtilsEndpointHttpTests {

	private static final HttpClient http = HttpClient.newHttpClient();

	static HttpResponse<String> get(int port, String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@Nested
	@SpringBootTest(classes = App.class, webEnvironment = WebEnvironment.RANDOM_PORT,
			properties = { "management.endpoints.web.exposure.include=asyncutils",
					"async-utils.throttle.instances.api.burst=5", "async-utils.retry.instances.flaky.max-attempts=4",
					"async-utils.batch.batch-size=25" })
	class Exposed {

		@Value("${local.server.port}")
		int port;

		@Autowired
		Client client;

		@Test
		@SuppressWarnings("unchecked")
		void listsEveryInstanceWithSettingsAndState() throws Exception {
			this.client.call();
			this.client.call();
			HttpResponse<String> response = get(this.port, "/actuator/asyncutils");
			assertThat(response.statusCode()).isEqualTo(200);
			Map<String, Object> body = JsonParserFactory.getJsonParser().parseMap(response.body());
			assertThat(body).containsOnlyKeys("throttles", "retries", "timeouts", "bounded", "fallbacks", "debounces",
					"circuitBreakers", "batch");

			Map<String, Object> api = (Map<String, Object>) ((Map<String, Object>) body.get("throttles")).get("api");
			assertThat((Map<String, Object>) api.get("settings")).containsEntry("rate", 10.0)
				.containsEntry("per", "1m")
				.containsEntry("burst", 5)
				.containsEntry("maxWait", null);
			assertThat(api).containsEntry("permitted", 3).containsEntry("availablePermits", 2);

			Map<String, Object> flaky = (Map<String, Object>) ((Map<String, Object>) body.get("retries")).get("flaky");
			Map<String, Object> method = (Map<String, Object>) ((Map<String, Object>) flaky.get("methods"))
				.get("Client.call()");
			assertThat(method).containsEntry("maxAttempts", 4)
				.containsEntry("delay", "1ms")
				.containsEntry("maxDuration", null);
			assertThat((Map<String, Object>) flaky.get("calls")).containsEntry("success", 1)
				.containsEntry("success_after_retry", 1);
			assertThat(flaky).containsEntry("retries", 1);

			Map<String, Object> slots = (Map<String, Object>) ((Map<String, Object>) body.get("bounded")).get("slots");
			assertThat(slots).containsEntry("limit", 2).containsEntry("active", 0).containsEntry("waiting", 0);
			// numbers are numbers and an absent value is null, never a word like
			// "unbounded"
			assertThat((Map<String, Object>) slots.get("settings")).containsEntry("maxConcurrent", 2)
				.containsEntry("maxWait", null)
				.containsEntry("maxQueued", null);
			Map<String, Object> queue = (Map<String, Object>) ((Map<String, Object>) body.get("bounded")).get("queue");
			assertThat((Map<String, Object>) queue.get("settings")).containsEntry("maxConcurrent", 1)
				.containsEntry("maxWait", "2s")
				.containsEntry("maxQueued", 7);

			Map<String, Object> deadline = (Map<String, Object>) ((Map<String, Object>) body.get("timeouts"))
				.get("Client.call");
			assertThat((Map<String, Object>) deadline.get("calls")).containsEntry("completed", 3)
				.containsEntry("timed_out", 0);
			assertThat((Map<String, Object>) ((Map<String, Object>) deadline.get("methods")).get("Client.call()"))
				.containsEntry("timeout", "5s")
				.containsEntry("cleanup", null);

			Map<String, Object> breaker = (Map<String, Object>) ((Map<String, Object>) body.get("circuitBreakers"))
				.get("timed");
			// a time-based window has no call count, and no rate is judged yet: null
			assertThat((Map<String, Object>) breaker.get("settings")).containsEntry("windowCalls", null)
				.containsEntry("windowDuration", "1m")
				.containsEntry("slowCallDuration", null)
				.containsEntry("minimumCalls", 5);
			assertThat(breaker).containsEntry("failureRate", null).containsEntry("slowCallRate", null);

			Map<String, Object> debounced = (Map<String, Object>) ((Map<String, Object>) body.get("debounces"))
				.get("Client.changed");
			assertThat((Map<String, Object>) ((Map<String, Object>) debounced.get("methods")).get("Client.changed()"))
				.containsEntry("delay", "1s")
				.containsEntry("maxWait", null)
				.containsEntry("key", null);

			Map<String, Object> batch = (Map<String, Object>) body.get("batch");
			assertThat((Map<String, Object>) batch.get("options")).containsEntry("batchSize", 25)
				.containsEntry("itemTimeout", null);
			assertThat((List<Object>) batch.get("runs")).isEmpty();
		}

		@Test
		@SuppressWarnings("unchecked")
		void showsOneNameAcrossKindsAndAnswers404ForAnUnknownOne() throws Exception {
			HttpResponse<String> response = get(this.port, "/actuator/asyncutils/Client.call");
			assertThat(response.statusCode()).isEqualTo(200);
			Map<String, Object> body = JsonParserFactory.getJsonParser().parseMap(response.body());
			assertThat(body).containsOnlyKeys("timeout", "fallback");
			assertThat((Map<String, Object>) body.get("fallback")).containsEntry("fallbackMethod", "recover");

			assertThat(get(this.port, "/actuator/asyncutils/api").statusCode()).isEqualTo(200);
			assertThat(get(this.port, "/actuator/asyncutils/no-such-instance").statusCode()).isEqualTo(404);
		}

	}

	@Nested
	@SpringBootTest(classes = App.class, webEnvironment = WebEnvironment.RANDOM_PORT)
	class NotExposed {

		@Value("${local.server.port}")
		int port;

		@Test
		void isNotReachableUnlessExposed() throws Exception {
			assertThat(get(this.port, "/actuator/asyncutils").statusCode()).isEqualTo(404);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		Client client() {
			return new Client();
		}

	}

	static class Client {

		private final AtomicInteger calls = new AtomicInteger();

		@Fallback("recover")
		@Retry(name = "flaky", delay = "1ms")
		@Timeout("5s")
		@Bounded(name = "slots", value = 2)
		@Throttle(name = "api", rate = 10, per = "1m")
		public String call() {
			if (this.calls.incrementAndGet() == 1) {
				throw new IllegalStateException("first call fails");
			}
			return "ok";
		}

		String recover() {
			return "fallback";
		}

		@Bounded(name = "queue", value = 1, maxWait = "2s", maxQueued = 7)
		public void queued() {
		}

		@CircuitBreaker(name = "timed", windowDuration = "1m", minimumCalls = 5)
		public void timed() {
		}

		@Debounce("1s")
		public void changed() {
		}

	}

}
