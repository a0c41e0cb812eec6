package dev.workflow.testing.app;

import java.time.Duration;

import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.Workflows;

import org.springframework.stereotype.Component;

/**
 * Welcomes a new user, and follows up three days later.
 */
@Component
@Workflow(name = "onboarding")
public class Onboarding {

	private final OnboardingSteps steps;

	Onboarding(OnboardingSteps steps) {
		this.steps = steps;
	}

	@WorkflowMethod
	public String run(String email) {
		this.steps.sendWelcome(email);
		Workflows.sleep(Duration.ofDays(3));
		return this.steps.sendFollowUp(email);
	}

}
