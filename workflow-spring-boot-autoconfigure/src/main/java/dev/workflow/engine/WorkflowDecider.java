package dev.workflow.engine;

import dev.workflow.registry.WorkflowDefinition;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Decides what a job does next: at its start, and each time one of its steps completes. "A workflow decides, steps
 * do": deciders never run steps, they name the steps to run.
 */
interface WorkflowDecider {

	/**
	 * Decides how a job starts.
	 * @param workflow the workflow
	 * @param input the job's input
	 * @return the decision
	 */
	Decision start(WorkflowDefinition workflow, @Nullable JsonNode input);

	/**
	 * Decides what follows a completed step.
	 * @param workflow the workflow
	 * @param step the step that completed
	 * @param result what it returned
	 * @return the decision
	 */
	Decision afterStep(WorkflowDefinition workflow, String step, StepResult result);

}
