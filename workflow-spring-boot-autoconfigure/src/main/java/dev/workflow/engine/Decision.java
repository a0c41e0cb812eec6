package dev.workflow.engine;

import java.time.Duration;
import java.util.List;

import dev.workflow.api.JobError;
import dev.workflow.api.JobStatus;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What a workflow decided after a change to its job's history: steps to run next, or the end of the job.
 *
 * @param dispatches the steps to run next
 * @param end how the job ends, if it does
 * @param percentComplete the job's progress afterwards, 0 to 100
 * @param stepContext the job's new step context, or {@code null} to keep it
 */
record Decision(List<Dispatch> dispatches, @Nullable End end, int percentComplete, @Nullable JsonNode stepContext) {

	static Decision run(RunStep dispatch, int percentComplete) {
		return new Decision(List.of(dispatch), null, percentComplete, null);
	}

	static Decision run(List<Dispatch> dispatches) {
		return new Decision(List.copyOf(dispatches), null, 0, null);
	}

	static Decision complete(@Nullable JsonNode output) {
		return new Decision(List.of(), new End(JobStatus.COMPLETED, output, null), 100, null);
	}

	static Decision abort(String reason, int percentComplete) {
		return new Decision(List.of(), new End(JobStatus.ABORTED, null, new JobError("aborted", reason, null)),
				percentComplete, null);
	}

	static Decision fail(JobError error, int percentComplete) {
		return new Decision(List.of(), new End(JobStatus.FAILED, null, error), percentComplete, null);
	}

	Decision withStepContext(@Nullable JsonNode newStepContext) {
		return new Decision(this.dispatches, this.end, this.percentComplete, newStepContext);
	}

	/**
	 * Whether every dispatch of this decision is a step to run at once, so that it goes straight to a worker.
	 * @return whether all dispatches are {@link RunStep}s
	 */
	boolean runsStepsOnly() {
		return this.dispatches.stream().allMatch(RunStep.class::isInstance);
	}

	/**
	 * An entry a decision adds to the job's history: a step to run now, a step or timer that waits, a value only
	 * recorded, or a child job.
	 */
	sealed interface Dispatch permits RunStep, DelayedStep, RecordedValue, ChildJob {

		/**
		 * Returns the name of the entry's step.
		 * @return the step's name
		 */
		String step();

		/**
		 * Returns the entry's input.
		 * @return the input
		 */
		@Nullable JsonNode input();

		/**
		 * Returns a step that runs after a wait (a durable timer), or at once without one.
		 * @param step the step's name
		 * @param input its input
		 * @param delay how long to wait before it runs, or {@code null} to run it now
		 * @return the dispatch
		 */
		static Dispatch delayed(String step, JsonNode input, @Nullable Duration delay) {
			return (delay != null) ? new DelayedStep(step, input, delay) : new RunStep(step, input);
		}

		/**
		 * Returns an entry that is only recorded, completed with a value: nothing runs.
		 * @param step the entry's name
		 * @param input its input
		 * @param output its value
		 * @return the dispatch
		 */
		static Dispatch recorded(String step, JsonNode input, @Nullable JsonNode output) {
			return new RecordedValue(step, input, output);
		}

		/**
		 * Returns an entry that waits for a child job.
		 * @param step the entry's name
		 * @param input the child's workflow and input
		 * @return the dispatch
		 */
		static Dispatch child(String step, JsonNode input) {
			return new ChildJob(step, input);
		}

	}

	/**
	 * A step to run at once: its message goes straight to a worker.
	 *
	 * @param step the step's name
	 * @param input its input
	 */
	record RunStep(String step, @Nullable JsonNode input) implements Dispatch {
	}

	/**
	 * A step (or a timer) that runs once a wait has passed: the background work dispatches it when it is due.
	 *
	 * @param step the step's name
	 * @param input its input
	 * @param delay how long to wait before it runs
	 */
	record DelayedStep(String step, JsonNode input, Duration delay) implements Dispatch {
	}

	/**
	 * An entry only recorded, completed with a value at once (a patch marker, the time, a kept event): nothing runs.
	 *
	 * @param step the entry's name
	 * @param input its input
	 * @param output its value
	 */
	record RecordedValue(String step, JsonNode input, @Nullable JsonNode output) implements Dispatch {
	}

	/**
	 * An entry that waits for a child job, which starts with it.
	 *
	 * @param step the entry's name
	 * @param input the child's workflow (under {@code workflow}) and input (under {@code input})
	 */
	record ChildJob(String step, JsonNode input) implements Dispatch {

		/**
		 * Returns the name of the child's workflow.
		 * @return the workflow's name
		 */
		String workflow() {
			return this.input.get("workflow").asString();
		}

		/**
		 * Returns the child's input.
		 * @return the input
		 */
		@Nullable JsonNode childInput() {
			return this.input.get("input");
		}

	}

	/**
	 * How a job ends.
	 *
	 * @param status the final status
	 * @param output the result, when COMPLETED
	 * @param error why, when FAILED or ABORTED
	 */
	record End(JobStatus status, @Nullable JsonNode output, @Nullable JobError error) {
	}

}
