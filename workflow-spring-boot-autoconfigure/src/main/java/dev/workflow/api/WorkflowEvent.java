package dev.workflow.api;

import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * Application events the engine publishes after the transaction that made them true has committed. Listen with
 * {@code @EventListener}; events are published on the instance that made the change.
 */
public sealed interface WorkflowEvent {

	/**
	 * Returns the job's id.
	 * @return the id
	 */
	UUID jobId();

	/**
	 * Returns the workflow's name.
	 * @return the name
	 */
	String workflow();

	/**
	 * A job was started.
	 * @param jobId the job
	 * @param workflow its workflow
	 */
	record JobStarted(UUID jobId, String workflow) implements WorkflowEvent {
	}

	/**
	 * A step execution started on a worker.
	 * @param jobId the job
	 * @param workflow its workflow
	 * @param step the step
	 * @param attempt the attempt, from 1
	 * @param stepExecutionId the step execution
	 */
	record StepStarted(UUID jobId, String workflow, String step, int attempt, UUID stepExecutionId)
			implements WorkflowEvent {
	}

	/**
	 * A step execution completed and its result is stored.
	 * @param jobId the job
	 * @param workflow its workflow
	 * @param step the step
	 * @param attempt the attempt, from 1
	 * @param stepExecutionId the step execution
	 */
	record StepCompleted(UUID jobId, String workflow, String step, int attempt, UUID stepExecutionId)
			implements WorkflowEvent {
	}

	/**
	 * A step execution failed.
	 * @param jobId the job
	 * @param workflow its workflow
	 * @param step the step
	 * @param attempt the attempt, from 1
	 * @param stepExecutionId the step execution
	 * @param error why
	 */
	record StepFailed(UUID jobId, String workflow, String step, int attempt, UUID stepExecutionId, JobError error)
			implements WorkflowEvent {
	}

	/**
	 * A job completed with a result.
	 * @param jobId the job
	 * @param workflow its workflow
	 */
	record JobCompleted(UUID jobId, String workflow) implements WorkflowEvent {
	}

	/**
	 * A job failed.
	 * @param jobId the job
	 * @param workflow its workflow
	 * @param error why
	 */
	record JobFailed(UUID jobId, String workflow, JobError error) implements WorkflowEvent {
	}

	/**
	 * A job was aborted by a step.
	 * @param jobId the job
	 * @param workflow its workflow
	 * @param reason the reason the step gave
	 */
	record JobAborted(UUID jobId, String workflow, @Nullable String reason) implements WorkflowEvent {
	}

	/**
	 * A job was cancelled by a client.
	 * @param jobId the job
	 * @param workflow its workflow
	 */
	record JobCancelled(UUID jobId, String workflow) implements WorkflowEvent {
	}

	/**
	 * A job ran past its deadline and ended TIMED_OUT.
	 * @param jobId the job
	 * @param workflow its workflow
	 */
	record JobTimedOut(UUID jobId, String workflow) implements WorkflowEvent {
	}

	/**
	 * A client retried a failed job from its failed step.
	 * @param jobId the job
	 * @param workflow its workflow
	 * @param step the step that runs again
	 * @param attempt the new attempt
	 */
	record JobRetried(UUID jobId, String workflow, String step, int attempt) implements WorkflowEvent {
	}

}
