package dev.workflow.engine;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Clock;
import java.util.List;
import java.util.function.Function;

import dev.workflow.api.WorkflowSerializationException;
import dev.workflow.api.Workflows;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.store.StepExecutionEntity;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The decider of workflows written as code: it runs the workflow method from the top against the job's history of
 * completed steps (replay) and takes what the method does next: call a step without a recorded result, return, or
 * throw.
 */
final class OrchestrationDecider implements WorkflowDecider {

	private final WorkflowJson json;

	private final Clock clock;

	private final Function<String, @Nullable StepInvoker> steps;

	OrchestrationDecider(WorkflowJson json, Clock clock, Function<String, @Nullable StepInvoker> steps) {
		this.json = json;
		this.clock = clock;
		this.steps = steps;
	}

	/**
	 * Checks that an input can be handed to the workflow method.
	 * @param workflow the workflow
	 * @param input the job's input
	 * @throws WorkflowSerializationException if it cannot
	 */
	@Override
	public void validateInput(WorkflowDefinition workflow, @Nullable JsonNode input) {
		try {
			arguments(workflow, input);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			throw new WorkflowSerializationException("The input of workflow '" + workflow.name() + "' does not fit its "
					+ "@WorkflowMethod " + workflow.workflowMethod().getName() + ": " + ex.getMessage(), ex);
		}
	}

	/**
	 * Decides how a job starts: runs the workflow method against an empty history.
	 * @param workflow the workflow
	 * @param input the job's input
	 * @param stepContext the job's step context
	 * @return the decision
	 */
	@Override
	public Decision start(WorkflowDefinition workflow, @Nullable JsonNode input, @Nullable JsonNode stepContext) {
		return replay(workflow, input, stepContext, List.of(), (name) -> null);
	}

	/**
	 * Returns {@code null}: what follows a step of a workflow method takes a replay of the job's history.
	 * @param workflow the workflow
	 * @param step the step that completed
	 * @param result what it returned
	 * @return {@code null}
	 */
	@Override
	public @Nullable Decision afterStep(WorkflowDefinition workflow, String step, StepResult result) {
		return null;
	}

	@Override
	public boolean replaysHistory() {
		return true;
	}

	/**
	 * Runs the workflow method against the history and decides what follows.
	 * @param workflow the workflow
	 * @param input the job's input
	 * @param stepContext the job's step context
	 * @param history the latest attempt of each entry of the job's history, in sequence
	 * @param keptEvents takes the payload of an event of a name that was sent before the workflow waited for it
	 * @return the decision
	 * @throws HistoryAheadException if the history holds an entry that only a newer release of the workflow can have
	 * written: this instance cannot decide for the job
	 */
	Decision replay(WorkflowDefinition workflow, @Nullable JsonNode input, @Nullable JsonNode stepContext,
			List<StepExecutionEntity> history, Function<String, @Nullable JsonNode> keptEvents) {
		Run run = run(workflow, input, stepContext, history, keptEvents);
		Replay.NondeterminismException divergence = run.replay().divergence();
		if (divergence != null && divergence.historyAhead()) {
			throw new HistoryAheadException(divergence);
		}
		return run.decision();
	}

	/**
	 * Runs the workflow method against the history, like {@link #replay}, and keeps how the run went.
	 * @param workflow the workflow
	 * @param input the job's input
	 * @param stepContext the job's step context
	 * @param history the latest attempt of each entry of the job's history, in sequence
	 * @param keptEvents takes the payload of an event of a name that was sent before the workflow waited for it
	 * @return the run
	 */
	Run run(WorkflowDefinition workflow, @Nullable JsonNode input, @Nullable JsonNode stepContext,
			List<StepExecutionEntity> history, Function<String, @Nullable JsonNode> keptEvents) {
		Replay replay = new Replay(workflow, history, stepContext, this.json, this.clock, this.steps, keptEvents);
		Method method = workflow.workflowMethod();
		try {
			Object[] args = arguments(workflow, input);
			Object result = Workflows.runWith(replay, () -> method.invoke(workflow.bean(), args));
			Decision completed = Decision.complete(
					this.json.toTree(result, () -> "result of workflow '" + workflow.name() + "'"));
			return new Run(new Decision(replay.dispatches(), completed.end(), 100, replay.changedStepContext()),
					replay, null);
		}
		catch (InvocationTargetException ex) {
			Throwable cause = ex.getTargetException();
			if (cause instanceof WorkflowSuspended suspended) {
				return new Run(Decision.run(suspended.dispatches()).withStepContext(replay.changedStepContext()),
						replay, null);
			}
			return new Run(Decision.fail(JobErrors.of(cause), 0), replay, cause);
		}
		catch (Exception ex) {
			return new Run(Decision.fail(JobErrors.of(ex), 0), replay, ex);
		}
	}

	/**
	 * One run of a workflow method against a history.
	 *
	 * @param decision what it decided
	 * @param replay the replay it ran against, which knows how much of the history it consumed
	 * @param thrown what the workflow method threw, if it failed
	 */
	record Run(Decision decision, Replay replay, @Nullable Throwable thrown) {
	}

	private Object[] arguments(WorkflowDefinition workflow, @Nullable JsonNode input) {
		Method method = workflow.workflowMethod();
		int count = method.getParameterCount();
		Object[] args = new Object[count];
		if (count == 1) {
			args[0] = this.json.convert(input, this.json.type(method.getGenericParameterTypes()[0]));
		}
		else if (count > 1) {
			if (input == null || !input.isArray() || input.size() != count) {
				throw new IllegalArgumentException("it takes " + count + " arguments: give them as a list of " + count
						+ " values, in order");
			}
			for (int i = 0; i < count; i++) {
				args[i] = this.json.convert(input.get(i), this.json.type(method.getGenericParameterTypes()[i]));
			}
		}
		return args;
	}

}
