package dev.workflow.test.workflows;

import java.time.LocalDateTime;
import java.util.Map;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.UserContext;
import dev.workflow.annotation.Workflow;

import org.springframework.stereotype.Component;

/**
 * Ergate's first workflow, in Java: the current time comes from a dependency (a {@code StepArgumentResolver}), the
 * user from the job's user context.
 */
@Component
@Workflow(name = "my_first_workflow")
public class MyFirstWorkflow {

	@Step(order = 1)
	public int step_1(int input, LocalDateTime now) {
		System.out.println("Hello, I am step 1 and I've received " + input + " at " + now);
		return input + 1;
	}

	@Step(order = 2)
	public void step_2(int input, @UserContext Map<String, Object> userContext) {
		System.out.println("Hello, I am step 2 and I've received " + input + " thanks to " + userContext.get("user"));
	}

}
