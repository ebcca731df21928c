package dev.asyncutils.web;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;

/**
 * Spring MVC: writes the problem response for our exceptions. Ordered last, after the
 * resolver that runs the application's {@code @ExceptionHandler} methods and
 * {@code @ControllerAdvice}, so that the application's own handling always wins.
 */
public class ProblemHandlerExceptionResolver implements HandlerExceptionResolver, Ordered {

	@Override
	public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
			@Nullable Object handler, Exception ex) {
		Problem problem = Problem.of(ex);
		if (problem == null || response.isCommitted()) {
			return null;
		}
		try {
			response.resetBuffer();
			response.setStatus(problem.status().value());
			response.setContentType(Problem.CONTENT_TYPE);
			String retryAfter = problem.retryAfter();
			if (retryAfter != null) {
				response.setHeader(HttpHeaders.RETRY_AFTER, retryAfter);
			}
			byte[] body = problem.body(request.getRequestURI());
			response.setContentLength(body.length);
			response.getOutputStream().write(body);
			response.flushBuffer();
		}
		catch (IOException | IllegalStateException writeFailure) {
			return null;
		}
		return new ModelAndView();
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
