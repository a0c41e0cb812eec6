package dev.workflow.api;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * One attempt of one entry of a job's history, as read from the database: a step, or in an orchestrated workflow an
 * engine call that the history records (a sleep, an event wait, a child workflow, a recorded value).
 *
 * @param id the step execution's id
 * @param sequence the entry's position in the job's history, from 0; its attempts share it
 * @param step the step's name, or the engine call's ({@code workflow.sleep}, {@code workflow.event},
 * {@code workflow.child}, ...)
 * @param attempt the attempt, from 1
 * @param status where the attempt is
 * @param input the input as plain JSON values (maps, lists, strings, numbers, booleans)
 * @param output the result as plain JSON values, once COMPLETED
 * @param error why it FAILED or TIMED_OUT
 * @param createdAt when it was stored
 * @param startedAt when a worker started it
 * @param finishedAt when it ended
 * @param dueAt when a scheduled attempt (a retry, a sleep) is due
 * @param workerId the worker that ran it last
 */
public record StepExecution(UUID id, int sequence, String step, int attempt, StepStatus status,
		@Nullable Object input, @Nullable Object output, @Nullable JobError error, Instant createdAt,
		@Nullable Instant startedAt, @Nullable Instant finishedAt, @Nullable Instant dueAt,
		@Nullable String workerId) {

}
