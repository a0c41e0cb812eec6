package dev.workflow.engine;

import java.util.UUID;

/**
 * What a start did: the job it started, or the job an earlier start with the same idempotency key created.
 *
 * @param jobId the job's id
 * @param created whether this start created the job ({@code false} when its idempotency key found an earlier one)
 */
record Started(UUID jobId, boolean created) {
}
