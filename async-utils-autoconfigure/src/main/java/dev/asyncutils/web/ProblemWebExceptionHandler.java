package dev.asyncutils.web;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * Spring WebFlux: writes the problem response for our exceptions. It sees only what the
 * application's own {@code @ExceptionHandler} methods and {@code @ControllerAdvice} left
 * unhandled, and runs before Spring Boot's error handler (order -1), which would answer
 * 500.
 */
public class ProblemWebExceptionHandler implements WebExceptionHandler, Ordered {

	private static final MediaType PROBLEM_JSON = MediaType.parseMediaType(Problem.CONTENT_TYPE);

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		Problem problem = Problem.of(ex);
		ServerHttpResponse response = exchange.getResponse();
		if (problem == null || response.isCommitted()) {
			return Mono.error(ex);
		}
		response.setStatusCode(problem.status());
		HttpHeaders headers = response.getHeaders();
		headers.setContentType(PROBLEM_JSON);
		String retryAfter = problem.retryAfter();
		if (retryAfter != null) {
			headers.set(HttpHeaders.RETRY_AFTER, retryAfter);
		}
		byte[] body = problem.body(exchange.getRequest().getPath().value());
		headers.setContentLength(body.length);
		DataBuffer buffer = response.bufferFactory().wrap(body);
		return response.writeWith(Mono.just(buffer));
	}

	@Override
	public int getOrder() {
		return -2;
	}

}
