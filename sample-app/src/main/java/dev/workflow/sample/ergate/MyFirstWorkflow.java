package dev.workflow.sample.ergate;

import java.time.LocalDateTime;
import java.util.Map;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.UserContext;
import dev.workflow.annotation.Workflow;

import org.springframework.stereotype.Component;

/**
 * Ergate's first workflow: step 1 gets the current time from a dependency, step 2 the user who started the job
 * from the job's user context.
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
