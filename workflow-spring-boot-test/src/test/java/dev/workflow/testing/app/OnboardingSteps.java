package dev.workflow.testing.app;

import dev.workflow.annotation.Step;

import org.springframework.stereotype.Component;

/**
 * The steps the onboarding workflow calls.
 */
@Component
public class OnboardingSteps {

	@Step(name = "send_welcome")
	public String sendWelcome(String email) {
		return "welcomed " + email;
	}

	@Step(name = "send_follow_up")
	public String sendFollowUp(String email) {
		return "followed up " + email;
	}

}
