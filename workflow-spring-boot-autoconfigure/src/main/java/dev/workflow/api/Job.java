package dev.workflow.api;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A job's state as read from the database.
 *
 * @param id the job's id
 * @param workflow the workflow's name
 * @param status the status
 * @param currentStep the step that runs or runs next, or that ended the job
 * @param stepsCompleted how many step executions have completed
 * @param percentComplete progress from 0 to 100
 * @param input the input given at start, as plain JSON values (maps, lists, strings, numbers, booleans)
 * @param userContext the user context given at start
 * @param output the result as plain JSON values (maps, lists, strings, numbers, booleans), once COMPLETED
 * @param error why the job FAILED or was ABORTED or CANCELLED
 * @param idempotencyKey the idempotency key given at start
 * @param concurrencyKey the concurrency key given at start
 * @param priority the priority given at start, among jobs that wait for a place
 * @param createdAt when the job was started
 * @param startedAt when its first step started
 * @param finishedAt when it ended
 * @param deadlineAt when it times out if it has not ended, {@code null} for no deadline
 * @param definitionVersion the version of the pipeline definition the job started under (see
 * {@code WorkflowDefinition#fingerprint()}), or {@code null} for a workflow method or a job started before versions
 * were recorded
 */
public record Job(UUID id, String workflow, JobStatus status, @Nullable String currentStep, int stepsCompleted,
		int percentComplete, @Nullable Object input, Map<String, Object> userContext, @Nullable Object output,
		@Nullable JobError error, @Nullable String idempotencyKey, @Nullable String concurrencyKey, int priority,
		Instant createdAt, @Nullable Instant startedAt,
		@Nullable Instant finishedAt, @Nullable Instant deadlineAt, @Nullable String definitionVersion) {

}
