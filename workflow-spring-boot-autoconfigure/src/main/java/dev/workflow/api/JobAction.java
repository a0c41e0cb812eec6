package dev.workflow.api;

import java.time.Instant;

/**
 * What an operator did to a job through a bulk action ({@link WorkflowClient#retryAll}, {@link WorkflowClient#cancelAll}),
 * by whom and when; kept as long as the job.
 *
 * @param action {@code retry} or {@code cancel}
 * @param actor who did it, as the caller named them (the REST API names the authenticated user)
 * @param at when
 */
public record JobAction(String action, String actor, Instant at) {
}
