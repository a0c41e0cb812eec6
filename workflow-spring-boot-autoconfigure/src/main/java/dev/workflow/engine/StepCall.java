package dev.workflow.engine;

import dev.workflow.api.JobInfo;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What one execution of a step is called with, before conversion to the method's parameter types.
 *
 * @param jobInfo the identity of the execution
 * @param input the step's input
 * @param stepContext the job's step context
 * @param userContext the job's user context
 */
record StepCall(JobInfo jobInfo, @Nullable JsonNode input, @Nullable JsonNode stepContext,
		@Nullable JsonNode userContext) {

}
