package dev.workflow.sample.accounts;

import java.time.Duration;

import dev.workflow.api.JobHandle;
import dev.workflow.api.JobStatus;
import dev.workflow.api.WorkflowClient;
import dev.workflow.testing.WorkflowTest;
import dev.workflow.testing.WorkflowTestTime;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static dev.workflow.testing.WorkflowAssertions.assertThat;

/**
 * The three-day wait of onboarding, passed in a moment.
 */
@WorkflowTest(properties = "sample.run-jobs=false")
class OnboardingWorkflowTests {

	@Autowired
	private WorkflowClient client;

	@Autowired
	private WorkflowTestTime time;

	@Test
	void followsUpThreeDaysAfterTheWelcome() {
		JobHandle<Object> job = this.client.start("onboarding", "ada@example.com");
		this.time.advance(Duration.ofDays(2));
		assertThat(job).hasStatus(JobStatus.RUNNING).step("send_welcome").hasAttempts(1);

		this.time.advance(Duration.ofDays(1));
		assertThat(job).hasStatus(JobStatus.COMPLETED)
			.hasResult("follow-up sent to ada@example.com")
			.step("send_follow_up")
			.hasAttempts(1);
	}

}
