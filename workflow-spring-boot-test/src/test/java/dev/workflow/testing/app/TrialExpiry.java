package dev.workflow.testing.app;

import java.time.Duration;

import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.Workflows;

import org.springframework.stereotype.Component;

/**
 * A workflow that would sleep longer than its deadline lets it run.
 */
@Component
@Workflow(name = "trial_expiry", timeout = "2d")
public class TrialExpiry {

	@WorkflowMethod
	public String run(String account) {
		Workflows.sleep(Duration.ofDays(3));
		return "never " + account;
	}

}
