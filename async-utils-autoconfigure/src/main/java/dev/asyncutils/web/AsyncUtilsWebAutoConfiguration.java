package dev.asyncutils.web;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Problem responses for our exceptions in Spring MVC and WebFlux applications; nothing in
 * other applications, and nothing with {@code async-utils.web.enabled=false}. Spring MVC
 * and WebFlux are optional dependencies: the nested configurations only load with them.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = { "async-utils.enabled", "async-utils.web.enabled" }, matchIfMissing = true)
public final class AsyncUtilsWebAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(name = "org.springframework.web.servlet.DispatcherServlet")
	static class Mvc {

		@Bean
		@ConditionalOnMissingBean
		ProblemHandlerExceptionResolver asyncUtilsProblemHandlerExceptionResolver() {
			return new ProblemHandlerExceptionResolver();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnClass(name = "org.springframework.web.reactive.DispatcherHandler")
	static class WebFlux {

		@Bean
		@ConditionalOnMissingBean
		ProblemWebExceptionHandler asyncUtilsProblemWebExceptionHandler() {
			return new ProblemWebExceptionHandler();
		}

	}

}
