package dev.workflow.engine;

import java.util.List;

import dev.workflow.api.JobError;
import dev.workflow.registry.StepDefinition;
import dev.workflow.registry.WorkflowDefinition;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The decider of step pipelines: steps run in their declared order, each step's result being the next one's input,
 * unless a step redirects the flow forward, completes or aborts the job. Only the last result is needed, so no
 * replay of the history is.
 */
final class PipelineDecider implements WorkflowDecider {

	@Override
	public Decision start(WorkflowDefinition workflow, @Nullable JsonNode input, @Nullable JsonNode stepContext) {
		return Decision.run(new Decision.RunStep(workflow.steps().get(0).name(), input), 0);
	}

	@Override
	public Decision afterStep(WorkflowDefinition workflow, String stepName, StepResult result) {
		List<StepDefinition> steps = workflow.steps();
		StepDefinition step = workflow.step(stepName);
		if (step == null) {
			throw new IllegalStateException("Step '" + stepName + "' is not part of " + workflow);
		}
		int done = percent(step.position() + 1, steps.size());
		switch (result.kind()) {
			case COMPLETE:
				return Decision.complete(result.value());
			case ABORT:
				return Decision.abort((result.value() != null) ? result.value().asString() : "aborted", done);
			case GO_TO:
				return goTo(workflow, step, result, done);
			default:
				int next = step.position() + 1;
				if (next == steps.size()) {
					return Decision.complete(result.value());
				}
				return Decision.run(new Decision.RunStep(steps.get(next).name(), result.value()), done);
		}
	}

	@Override
	public boolean replaysHistory() {
		return false;
	}

	private Decision goTo(WorkflowDefinition workflow, StepDefinition from, StepResult result, int done) {
		StepDefinition target = (result.target() != null) ? workflow.step(result.target()) : null;
		if (target == null) {
			return Decision.fail(new JobError(IllegalStateException.class.getName(), "Step '" + from.name()
					+ "' of workflow '" + workflow.name() + "' asked to go to step '" + result.target()
					+ "', which the workflow does not have. Its steps: "
					+ workflow.steps().stream().map(StepDefinition::name).toList() + ".", null), done);
		}
		if (target.position() <= from.position()) {
			return Decision.fail(new JobError(IllegalStateException.class.getName(), "Step '" + from.name()
					+ "' of workflow '" + workflow.name() + "' asked to go back to step '" + target.name()
					+ "': a pipeline only moves forward. Loop in a workflow method instead, or move the step later.",
					null), done);
		}
		return Decision.run(new Decision.RunStep(target.name(), result.value()),
				percent(target.position(), workflow.steps().size()));
	}

	private static int percent(int reached, int total) {
		return (total == 0) ? 100 : Math.min(100, reached * 100 / total);
	}

}
