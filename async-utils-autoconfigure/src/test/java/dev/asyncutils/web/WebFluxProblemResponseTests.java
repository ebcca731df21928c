package dev.asyncutils.web;

import org.springframework.boot.WebApplicationType;

/**
 * Problem responses in a Spring WebFlux application on Netty.
 */
class WebFluxProblemResponseTests extends ProblemResponseTestSupport {

	@Override
	WebApplicationType type() {
		return WebApplicationType.REACTIVE;
	}

}
