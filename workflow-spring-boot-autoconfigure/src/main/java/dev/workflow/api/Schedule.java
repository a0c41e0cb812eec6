package dev.workflow.api;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A schedule that starts jobs of a workflow on a cron expression: declared with
 * {@link dev.workflow.annotation.WorkflowSchedule @WorkflowSchedule}, or saved at run time through
 * {@link WorkflowSchedules}.
 *
 * @param name the schedule's name
 * @param workflow the workflow whose jobs it starts
 * @param cron its cron expression
 * @param zone the time zone the cron expression is read in
 * @param input the input of each job, {@code null} for none
 * @param missedFires what becomes of missed fires
 * @param paused whether it is paused: it starts no job until resumed
 * @param declared whether it is declared with {@code @WorkflowSchedule} (it can be paused, not changed or deleted)
 * @param nextFireAt when it fires next, {@code null} if the cron expression never matches again
 * @param lastFireAt the fire time of the last job it started, {@code null} before the first
 * @param lastJobId the last job it started, {@code null} before the first
 * @param lastError why its last fire could not start a job (an input the workflow no longer reads, say), {@code null}
 * if it could
 */
public record Schedule(String name, String workflow, String cron, String zone, @Nullable Object input,
		MissedFires missedFires, boolean paused, boolean declared, @Nullable Instant nextFireAt,
		@Nullable Instant lastFireAt, @Nullable UUID lastJobId, @Nullable String lastError) {
}
