package dev.workflow.autoconfigure;

import dev.workflow.api.WorkflowDefinitionException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a start that an invalid workflow definition stopped ({@link WorkflowDefinitionException}): which workflow
 * or step, which attribute and value, instead of the stack trace of the bean that found it.
 */
class WorkflowDefinitionFailureAnalyzer extends AbstractFailureAnalyzer<WorkflowDefinitionException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, WorkflowDefinitionException cause) {
		return new FailureAnalysis("Invalid workflow definition: " + cause.getMessage(),
				"Correct the @Workflow, @Step, @WorkflowMethod or @WorkflowSchedule declaration named above. Workflow "
						+ "definitions are checked as the application starts, so that no job runs on one the engine "
						+ "cannot keep.",
				cause);
	}

}
