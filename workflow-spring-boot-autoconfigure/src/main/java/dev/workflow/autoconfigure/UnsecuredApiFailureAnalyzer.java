package dev.workflow.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a start that {@link UnsecuredApiException} stopped: what is exposed, and how to secure it or allow it.
 */
class UnsecuredApiFailureAnalyzer extends AbstractFailureAnalyzer<UnsecuredApiException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, UnsecuredApiException cause) {
		return new FailureAnalysis(cause.getDescription(), cause.getAction(), cause);
	}

}
