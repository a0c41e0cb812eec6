package dev.workflow.api;

import java.util.UUID;

/**
 * The identity of one step execution; declare a parameter of this type on a step method to receive it.
 *
 * @param jobId the job's id
 * @param workflow the workflow's name
 * @param step the step's name
 * @param attempt the attempt, from 1
 * @param stepExecutionId the id of this step execution: the same on every delivery and attempt of it, so a
 * suitable idempotency key for effects outside the engine
 */
public record JobInfo(UUID jobId, String workflow, String step, int attempt, UUID stepExecutionId) {

}
