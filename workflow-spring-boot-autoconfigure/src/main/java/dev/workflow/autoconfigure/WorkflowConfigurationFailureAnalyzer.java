package dev.workflow.autoconfigure;

import dev.workflow.api.WorkflowConfigurationException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a start that an invalid configuration of the engine stopped ({@link WorkflowConfigurationException}):
 * what is wrong, and what to do.
 */
class WorkflowConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<WorkflowConfigurationException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, WorkflowConfigurationException cause) {
		String action = cause.getAction();
		return new FailureAnalysis(cause.getMessage(), (action != null) ? action
				: "Correct the property named above (the workflow.* properties are listed in the README of the "
						+ "workflow starter and in your IDE's completion).", cause);
	}

}
