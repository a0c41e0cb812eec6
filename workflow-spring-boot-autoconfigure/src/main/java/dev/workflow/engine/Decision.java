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

	static Decision run(Dispatch dispatch, int percentComplete) {
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
	 * A step to run.
	 *
	 * @param step the step's name
	 * @param input its input
	 * @param delay how long to wait before it runs (a durable timer), or {@code null} to run it now
	 * @param recorded whether the entry is only recorded, completed with {@code output}, and nothing runs
	 * @param output the value of a recorded entry
	 * @param child whether the entry waits for a child job, started with the workflow and input in {@code input}
	 */
	record Dispatch(String step, @Nullable JsonNode input, @Nullable Duration delay, boolean recorded,
			@Nullable JsonNode output, boolean child) {

		Dispatch(String step, @Nullable JsonNode input) {
			this(step, input, null, false, null, false);
		}

		static Dispatch delayed(String step, JsonNode input, @Nullable Duration delay) {
			return new Dispatch(step, input, delay, false, null, false);
		}

		static Dispatch recorded(String step, JsonNode input, @Nullable JsonNode output) {
			return new Dispatch(step, input, null, true, output, false);
		}

		static Dispatch child(String step, JsonNode input) {
			return new Dispatch(step, input, null, false, null, true);
		}

		/**
		 * Whether this is a step to run at once: not recorded, not a child, not delayed.
		 * @return whether the step goes straight to a worker
		 */
		boolean plain() {
			return !this.recorded && !this.child && this.delay == null;
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
