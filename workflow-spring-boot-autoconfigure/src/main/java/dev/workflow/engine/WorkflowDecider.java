package dev.workflow.engine;

import dev.workflow.registry.WorkflowDefinition;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Decides what a job does next: at its start, and each time one of its steps completes. "A workflow decides, steps
 * do": deciders never run steps, they name the steps to run. Each workflow definition has one, chosen once when the
 * workflows are found (see {@link StepBindings#decider}): the {@link PipelineDecider} for a pipeline of steps, the
 * {@link OrchestrationDecider} for a workflow method.
 */
interface WorkflowDecider {

	/**
	 * Checks that an input can be handed to the workflow, before a job starts with it.
	 * @param workflow the workflow
	 * @param input the job's input
	 * @throws dev.workflow.api.WorkflowSerializationException if it cannot
	 */
	default void validateInput(WorkflowDefinition workflow, @Nullable JsonNode input) {
	}

	/**
	 * Decides how a job starts.
	 * @param workflow the workflow
	 * @param input the job's input
	 * @param stepContext the job's step context
	 * @return the decision
	 */
	Decision start(WorkflowDefinition workflow, @Nullable JsonNode input, @Nullable JsonNode stepContext);

	/**
	 * Decides what follows a completed step from its result alone.
	 * @param workflow the workflow
	 * @param step the step that completed
	 * @param result what it returned
	 * @return the decision, or {@code null} if only a replay of the job's history can tell
	 */
	@Nullable Decision afterStep(WorkflowDefinition workflow, String step, StepResult result);

	/**
	 * Whether this decider replays the job's history to decide: the completions and failures of a job's steps then
	 * lock the job, so that they are recorded one after the other and each replay sees the others.
	 * @return whether decisions need the job's history
	 */
	boolean replaysHistory();

}
