package dev.workflow.sample.accounts;

import java.time.Duration;

import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.Workflows;

import org.springframework.stereotype.Component;

/**
 * Welcomes a new user, then follows up three days later: the sleep is durable, so restarts and deploys in between
 * change nothing.
 */
@Component
@Workflow(name = "onboarding")
public class OnboardingWorkflow {

	private final EmailSteps emails;

	OnboardingWorkflow(EmailSteps emails) {
		this.emails = emails;
	}

	@WorkflowMethod
	public String onboard(String email) {
		this.emails.sendWelcome(email);
		Workflows.sleep(Duration.ofDays(3));
		return this.emails.sendFollowUp(email);
	}

}
