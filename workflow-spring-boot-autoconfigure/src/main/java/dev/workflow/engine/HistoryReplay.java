package dev.workflow.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.workflow.api.StepExecution;
import dev.workflow.api.UnknownWorkflowException;
import dev.workflow.registry.StepDefinition;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.store.StepExecutionEntity;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Replays a stored history against the application's current code without writing anything, to find out whether a
 * release can run the jobs that are running: the replay check of a build
 * ({@code dev.workflow.testing.WorkflowReplayer} in {@code workflow-spring-boot-test}).
 * <p>
 * A workflow method runs against the latest attempt of each entry of the history, with the engine's own replay, and
 * no step runs, nothing is dispatched or recorded, no kept event is taken: what a real replay would add to the
 * history is dropped. A pipeline's history passes as long as each step it records is still a step of the pipeline.
 */
public final class HistoryReplay {

	private final WorkflowEngine engine;

	/**
	 * Creates the replay of the workflows of an engine.
	 * @param engine the application's engine
	 */
	public HistoryReplay(WorkflowEngine engine) {
		this.engine = engine;
	}

	/**
	 * Replays a job's history against the current code of its workflow.
	 * @param workflow the workflow's name
	 * @param input the job's input, as plain JSON values or anything the engine's JSON mapper can write
	 * @param history the job's history: every attempt of every entry, as {@code WorkflowClient.history} returns it
	 * @return the first place where the current code no longer matches the history, or empty if it matches
	 * @throws UnknownWorkflowException if the application has no workflow of that name
	 */
	public Optional<Divergence> check(String workflow, @Nullable Object input, List<StepExecution> history) {
		WorkflowDefinition definition = this.engine.registry().find(workflow);
		if (definition == null) {
			throw new UnknownWorkflowException("Workflow '" + workflow + "' of the history is not registered in this "
					+ "application: its running jobs cannot go on. Keep the workflow until they have ended.");
		}
		List<StepExecutionEntity> latest = latestAttempts(history);
		return definition.orchestrated() ? replay(definition, input, latest) : checkSteps(definition, latest);
	}

	private Optional<Divergence> replay(WorkflowDefinition workflow, @Nullable Object input,
			List<StepExecutionEntity> history) {
		WorkflowJson json = this.engine.json();
		JsonNode inputNode = json.toTree(input, () -> "input of a job of workflow '" + workflow.name() + "'");
		OrchestrationDecider.Run run = this.engine.orchestration()
			.run(workflow, inputNode, null, history, (name) -> null);
		Replay.NondeterminismException mismatch = run.replay().divergence();
		if (mismatch != null) {
			return Optional.of(new Divergence(workflow.name(), mismatch.position(), mismatch.recordedStep(),
					mismatch.recordedInput().toString(), mismatch.calledStep(), mismatch.calledInput().toString(),
					mismatch.getMessage()));
		}
		int consumed = run.replay().consumed();
		if (consumed < history.size()) {
			StepExecutionEntity entry = history.get(consumed);
			String arguments = String.valueOf(entry.inputTree(json::parse));
			Throwable thrown = run.thrown();
			String now = (thrown != null) ? "throws " + thrown
					: (run.decision().end() != null) ? "returns" : "waits for an earlier entry";
			return Optional.of(new Divergence(workflow.name(), consumed, entry.getStepName(), arguments, null, null,
					"Workflow '" + workflow.name() + "' no longer matches the history of this job: entry " + consumed
							+ " records step '" + entry.getStepName() + "' with arguments " + arguments
							+ ", but the code now makes no call there: it " + now + " before it. To keep the old "
							+ "path for the jobs that began on it, put the change behind a marker: if "
							+ "(Workflows.patched(\"a-change-id\")) { new code } else { old code }."));
		}
		return Optional.empty();
	}

	private Optional<Divergence> checkSteps(WorkflowDefinition workflow, List<StepExecutionEntity> history) {
		for (StepExecutionEntity entry : history) {
			if (workflow.step(entry.getStepName()) == null) {
				String arguments = String.valueOf(entry.inputTree(this.engine.json()::parse));
				return Optional.of(new Divergence(workflow.name(), entry.getSequence(), entry.getStepName(), arguments,
						null, null,
						"Pipeline '" + workflow.name() + "' no longer has step '" + entry.getStepName() + "', which "
								+ "entry " + entry.getSequence() + " of this job's history records; its steps are now "
								+ workflow.steps().stream().map(StepDefinition::name).toList() + ". Keep the step "
								+ "until the jobs that may still run it have ended."));
			}
		}
		return Optional.empty();
	}

	/**
	 * The latest attempt of each entry, as the engine replays it, from the history's public form.
	 */
	private List<StepExecutionEntity> latestAttempts(List<StepExecution> history) {
		WorkflowJson json = this.engine.json();
		UUID job = new UUID(0, 0);
		List<StepExecutionEntity> latest = new ArrayList<>();
		history.stream()
			.sorted(Comparator.comparingInt(StepExecution::sequence).thenComparingInt(StepExecution::attempt))
			.forEach((attempt) -> {
				StepExecutionEntity entry = new StepExecutionEntity(attempt.id(), job, attempt.sequence(),
						attempt.step(), attempt.attempt(),
						write(attempt.input(), "input", attempt.sequence()), attempt.createdAt(), attempt.dueAt());
				entry.setStatus(attempt.status());
				entry.setOutput(write(attempt.output(), "output", attempt.sequence()));
				entry.setStartedAt(attempt.startedAt());
				entry.setFinishedAt(attempt.finishedAt());
				Replay.keepLatest(latest, entry);
			});
		return latest;
	}

	private @Nullable String write(@Nullable Object value, String what, int sequence) {
		return (value != null) ? this.engine.json().write(this.engine.json().toTree(value,
				() -> "the " + what + " of entry " + sequence + " of a history")) : null;
	}

	/**
	 * Where the current code of a workflow first parts from a job's history.
	 *
	 * @param workflow the workflow's name
	 * @param position the entry of the history, from 0
	 * @param recordedStep the step (or engine call, such as {@code workflow.sleep}) the history records there
	 * @param recordedArguments its arguments as recorded, as JSON
	 * @param calledStep the step the current code calls there instead, or {@code null} if it makes no call there: it
	 * returns, throws or waits before
	 * @param calledArguments the arguments of that call, as JSON, or {@code null}
	 * @param description what differs and how to keep the old path, for people
	 */
	public record Divergence(String workflow, int position, String recordedStep, String recordedArguments,
			@Nullable String calledStep, @Nullable String calledArguments, String description) {

		/**
		 * Describes both sides on one line, for reports.
		 * @return the description
		 */
		public String sides() {
			return "entry " + this.position + ": recorded " + this.recordedStep + this.recordedArguments + ", now "
					+ ((this.calledStep != null) ? this.calledStep + this.calledArguments : "no call");
		}

	}

}
