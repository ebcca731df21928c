package dev.asyncutils.web;

import org.springframework.boot.WebApplicationType;

/**
 * Problem responses in a Spring MVC application on Tomcat.
 */
class MvcProblemResponseTests extends ProblemResponseTestSupport {

	@Override
	WebApplicationType type() {
		return WebApplicationType.SERVLET;
	}

}
