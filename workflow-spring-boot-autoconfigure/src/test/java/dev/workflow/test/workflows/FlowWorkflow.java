package dev.workflow.test.workflows;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.StepContext;
import dev.workflow.annotation.Workflow;
import dev.workflow.api.StepOutcome;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * A three-step pipeline whose first step does what its input says: the flow instructions of a pipeline.
 */
@Component
@Workflow(name = "flow", context = FlowContext.class)
public class FlowWorkflow {

	@Step(order = 10)
	public Object decide(String input) {
		return switch (input) {
			case "skip" -> StepOutcome.goTo("finish", "skipped");
			case "complete" -> StepOutcome.complete("early");
			case "abort" -> StepOutcome.abort("customer cancelled");
			case "back" -> StepOutcome.goTo("decide", "again");
			case "nowhere" -> StepOutcome.goTo("nowhere", "lost");
			case "context" -> StepOutcome.next("ctx").withStepContext(new FlowContext("changed"));
			case "wrong-context" -> StepOutcome.next("ctx").withStepContext("not a FlowContext");
			case "boom" -> throw new IllegalStateException("boom in decide");
			default -> input + "-1";
		};
	}

	@Step(order = 20)
	public String middle(String input, @StepContext @Nullable FlowContext context) {
		return input + "-2" + ((context != null) ? "-" + context.label() : "");
	}

	@Step(order = 30)
	public String finish(String input) {
		return input + "-3";
	}

}
