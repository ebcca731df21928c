package dev.asyncutils.core;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.asyncutils.annotation.Retry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests drain first: a request in flight when the context closes, whose guarded call
 * is between two attempts, still gets its retried answer during Spring Boot's graceful
 * shutdown; async-utils ends waiting calls only afterwards.
 */
class GracefulShutdownOrderTests {

	@Test
	void phaseStopsAfterTheWebServersGracefulShutdown() {
		// higher phases stop first
		assertThat(AsyncUtilsScheduler.PHASE).isLessThan(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE);
	}

	@Test
	void requestInFlightFinishesItsRetryDuringGracefulShutdown() throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class).web(WebApplicationType.SERVLET)
			.properties("server.port=0", "server.address=127.0.0.1", "server.shutdown=graceful",
					"spring.lifecycle.timeout-per-shutdown-phase=10s")
			.run();
		CompletableFuture<HttpResponse<String>> response;
		CountDownLatch firstAttempt = context.getBean(CountDownLatch.class);
		try {
			int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
			response = HttpClient.newHttpClient()
				.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/flaky")).build(),
						HttpResponse.BodyHandlers.ofString());
			assertThat(firstAttempt.await(10, TimeUnit.SECONDS)).isTrue();
		}
		finally {
			context.close();
		}
		HttpResponse<String> answer = response.get(10, TimeUnit.SECONDS);
		assertThat(answer.statusCode()).isEqualTo(200);
		assertThat(answer.body()).isEqualTo("answer after 2 attempts");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		@Bean
		CountDownLatch firstAttempt() {
			return new CountDownLatch(1);
		}

		@Bean
		Flaky flaky(CountDownLatch firstAttempt) {
			return new Flaky(firstAttempt);
		}

		@Bean
		Endpoint endpoint(Flaky flaky) {
			return new Endpoint(flaky);
		}

	}

	@RestController
	static class Endpoint {

		private final Flaky flaky;

		Endpoint(Flaky flaky) {
			this.flaky = flaky;
		}

		@GetMapping("/flaky")
		String flaky() throws IOException {
			return this.flaky.call();
		}

	}

	static class Flaky {

		private final CountDownLatch firstAttempt;

		private final AtomicInteger attempts = new AtomicInteger();

		Flaky(CountDownLatch firstAttempt) {
			this.firstAttempt = firstAttempt;
		}

		@Retry(maxAttempts = 2, delay = "500ms")
		public String call() throws IOException {
			int attempt = this.attempts.incrementAndGet();
			if (attempt == 1) {
				this.firstAttempt.countDown();
				throw new IOException("first attempt fails");
			}
			return "answer after " + attempt + " attempts";
		}

	}

}
