package dev.workflow.engine;

import dev.workflow.api.StepOutcome;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * What a step returned, converted to JSON.
 *
 * @param kind what the step asked for
 * @param value the next step's input, the job's result, or the abort reason
 * @param target the step to go to, for {@link StepOutcome.Kind#GO_TO}
 * @param stepContext the job's new step context, when the step replaces it
 * @param replacesStepContext whether the step replaces the job's step context
 */
record StepResult(StepOutcome.Kind kind, @Nullable JsonNode value, @Nullable String target,
		@Nullable JsonNode stepContext, boolean replacesStepContext) {

}
