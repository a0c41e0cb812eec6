package dev.workflow.test.workflows;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.api.JobInfo;
import dev.workflow.api.NonRetryableStepException;

import org.springframework.stereotype.Component;

/**
 * A step that fails as its input says: "fail-N" fails the first N attempts, "never" always fails, "fatal" throws the
 * non-retryable marker, "illegal" an IllegalArgumentException.
 */
@Component
@Workflow(name = "flaky")
public class FlakyWorkflow {

	@Step(order = 1, maxAttempts = 3, initialDelay = "50ms", multiplier = 2, maxDelay = "200ms")
	public String flaky(String input, JobInfo info) {
		if (input.startsWith("fail-") && info.attempt() <= Integer.parseInt(input.substring(5))) {
			throw new IllegalStateException("attempt " + info.attempt() + " fails");
		}
		return switch (input) {
			case "never" -> throw new IllegalStateException("attempt " + info.attempt() + " fails, as always");
			case "fatal" -> throw new NonRetryableStepException("the card was declined");
			case "illegal" -> throw new IllegalArgumentException("no such customer");
			default -> "ok on attempt " + info.attempt();
		};
	}

}
