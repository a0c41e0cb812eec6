package dev.workflow.transport;

import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The message that asks a worker to run one step execution. It carries the contexts, so the worker needs no extra
 * read to build the step's arguments, and the trace context of the job's start, so that the step continues the job's
 * trace whichever thread or instance published the message.
 *
 * @param jobId the job
 * @param stepExecutionId the step execution, stable across redeliveries
 * @param workflow the workflow's name
 * @param step the step's name
 * @param attempt the attempt, from 1
 * @param input the step's input
 * @param stepContext the job's step context, if it has one
 * @param userContext the job's user context
 * @param trace the propagation fields of the job's trace (a {@code traceparent}, say), left out of the message when
 * the job has none
 * @param definitionVersion the version of the pipeline definition the job started under, left out for a workflow
 * method and for jobs started before versions were recorded
 * @param concurrencyKey the job's concurrency key, left out when it has none: a job with one frees a place for the
 * waiting jobs of its key when it ends
 */
public record StepMessage(UUID jobId, UUID stepExecutionId, String workflow, String step, int attempt,
		@Nullable JsonNode input, @Nullable JsonNode stepContext, @Nullable JsonNode userContext,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Map<String, String> trace,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String definitionVersion,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String concurrencyKey) {

}
