package dev.workflow.engine;

import java.lang.reflect.Type;
import java.util.List;
import java.util.function.Function;

import dev.workflow.api.WorkflowSerializationException;
import dev.workflow.api.Workflows;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.store.StepExecutionEntity;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One run of a workflow method against its job's history. Step calls are matched with the history by position, step
 * name and arguments: a recorded result is returned at once, the first call past the history suspends the method,
 * and a call that does not match what was recorded means the code changed under a running job.
 */
final class Replay implements Workflows.Runtime {

	private final WorkflowDefinition workflow;

	private final List<StepExecutionEntity> history;

	private final WorkflowJson json;

	private final Function<String, @Nullable StepInvoker> steps;

	private @Nullable JsonNode stepContext;

	private boolean stepContextChanged;

	private int position;

	Replay(WorkflowDefinition workflow, List<StepExecutionEntity> history, @Nullable JsonNode stepContext,
			WorkflowJson json, Function<String, @Nullable StepInvoker> steps) {
		this.workflow = workflow;
		this.history = history;
		this.stepContext = stepContext;
		this.json = json;
		this.steps = steps;
	}

	@Nullable Object callStep(String step, Object[] args, Type returnType) {
		StepInvoker invoker = this.steps.apply(step);
		if (invoker == null) {
			throw new IllegalStateException("Workflow '" + this.workflow.name() + "' called step '" + step
					+ "', which is not a step of a bean the engine knows");
		}
		JsonNode input = invoker.input(args, this.json);
		if (this.position < this.history.size()) {
			StepExecutionEntity recorded = this.history.get(this.position);
			JsonNode recordedInput = this.json.parse(recorded.getInput());
			if (!recorded.getStepName().equals(step) || !input.equals(recordedInput)) {
				throw new NondeterminismException("Workflow '" + this.workflow.name() + "' no longer matches the "
						+ "history of this job: entry " + this.position + " records step '" + recorded.getStepName()
						+ "' with arguments " + recordedInput + ", but the code now calls step '" + step
						+ "' with arguments " + input + ". The workflow's code changed under a running job; start "
						+ "new jobs with the new code, or keep the old path for jobs that began on it.");
			}
			this.position++;
			return this.json.convert(this.json.parse(recorded.getOutput()), this.json.type(returnType));
		}
		throw new WorkflowSuspended(step, input);
	}

	@Override
	public void setStepContext(Object stepContext) {
		Class<?> expected = this.workflow.contextType();
		if (expected == null || !expected.isInstance(stepContext)) {
			throw new WorkflowSerializationException("Workflow '" + this.workflow.name() + "' set a step context of "
					+ "type " + stepContext.getClass().getName() + ", but it takes "
					+ ((expected != null) ? "a " + expected.getName() : "none (add @Workflow(context = ...))"));
		}
		JsonNode next = this.json.toTree(stepContext, () -> "step context of workflow '" + this.workflow.name() + "'");
		if (!next.equals(this.stepContext)) {
			this.stepContext = next;
			this.stepContextChanged = true;
		}
	}

	/**
	 * Returns the step context as the workflow method left it, if it changed it.
	 * @return the new context, or {@code null} if unchanged
	 */
	@Nullable JsonNode changedStepContext() {
		return this.stepContextChanged ? this.stepContext : null;
	}

	/**
	 * Thrown when a workflow's calls do not match its job's history.
	 */
	static final class NondeterminismException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		NondeterminismException(String message) {
			super(message);
		}

	}

}
