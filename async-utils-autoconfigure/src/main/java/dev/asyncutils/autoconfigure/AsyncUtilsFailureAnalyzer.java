package dev.asyncutils.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

import dev.asyncutils.core.AsyncUtilsConfigurationException;

/**
 * Reports bad async-utils configuration in Spring Boot's usual "APPLICATION FAILED TO
 * START" form: what is wrong, where, and what to do.
 */
class AsyncUtilsFailureAnalyzer extends AbstractFailureAnalyzer<AsyncUtilsConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, AsyncUtilsConfigurationException cause) {
		String value = (cause.getValue() != null) ? " = '" + cause.getValue() + "'" : "";
		String where = (cause.getBeanName() != null) ? " on bean '" + cause.getBeanName() + "'" : "";
		String method = (cause.getMethod() != null) ? "    Method:  " + cause.getMethod() + "\n" : "";
		String description = "async-utils found bad configuration" + where + ":\n\n" + method + "    Setting: "
				+ cause.getSetting() + value + "\n" + "    Problem: " + cause.getProblem() + "\n";
		String action = "Correct " + cause.getSetting()
				+ ((cause.getMethod() != null) ? " on " + cause.getMethod() : "") + ". "
				+ ((cause.getAdvice() != null) ? cause.getAdvice() + " " : "")
				+ "See the async-utils README for every setting.";
		return new FailureAnalysis(description, action, cause);
	}

}
