package dev.workflow.sample.accounts;

import dev.workflow.annotation.Step;

import org.springframework.stereotype.Component;

/**
 * The emails of onboarding: steps that the workflow method calls.
 */
@Component
public class EmailSteps {

	@Step(name = "send_welcome")
	public String sendWelcome(String email) {
		System.out.println("Welcome email to " + email);
		return "welcome sent to " + email;
	}

	@Step(name = "send_follow_up")
	public String sendFollowUp(String email) {
		System.out.println("Follow-up email to " + email);
		return "follow-up sent to " + email;
	}

}
