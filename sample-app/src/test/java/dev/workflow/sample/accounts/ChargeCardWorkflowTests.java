package dev.workflow.sample.accounts;

import java.time.Duration;

import dev.workflow.api.JobHandle;
import dev.workflow.api.JobStatus;
import dev.workflow.api.StepStatus;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowEvent;
import dev.workflow.testing.WorkflowTest;
import dev.workflow.testing.WorkflowTestEvents;
import dev.workflow.testing.WorkflowTestTime;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static dev.workflow.testing.WorkflowAssertions.assertThat;

/**
 * The hour between two attempts of a charge, passed in a moment.
 */
@WorkflowTest(properties = "sample.run-jobs=false")
class ChargeCardWorkflowTests {

	@Autowired
	private WorkflowClient client;

	@Autowired
	private WorkflowTestTime time;

	@Autowired
	private WorkflowTestEvents events;

	@Autowired
	private PaymentGateway gateway;

	@Test
	void triesAgainAnHourAfterTheGatewayFailed() {
		this.gateway.failNext(1);
		JobHandle<Object> job = this.client.start("charge_card", "order-42");
		this.events.await(WorkflowEvent.StepFailed.class, (failed) -> failed.jobId().equals(job.id()),
				Duration.ofSeconds(10));
		assertThat(job).hasStatus(JobStatus.RUNNING).step("charge").hasStatus(StepStatus.SCHEDULED);

		this.time.advance(Duration.ofHours(1));
		assertThat(job).hasStatus(JobStatus.COMPLETED).hasResult("charge-order-42").step("charge").hasAttempts(2);
	}

	@Test
	void failsWhenTheGatewayStaysDownForThreeAttempts() {
		this.gateway.failNext(3);
		JobHandle<Object> job = this.client.start("charge_card", "order-43");
		this.time.advance(Duration.ofHours(3));
		assertThat(job).hasStatus(JobStatus.FAILED).step("charge").hasAttempts(3).hasStatus(StepStatus.FAILED);
	}

}
