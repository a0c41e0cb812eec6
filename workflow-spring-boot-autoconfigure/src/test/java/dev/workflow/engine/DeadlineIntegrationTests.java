package dev.workflow.engine;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

import dev.workflow.api.Job;
import dev.workflow.api.JobStatus;
import dev.workflow.api.StartOptions;
import dev.workflow.api.StepExecution;
import dev.workflow.api.StepStatus;
import dev.workflow.api.WorkflowClient;
import dev.workflow.test.TestApplication;
import dev.workflow.test.workflows.DeadlineWorkflows;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@SpringBootTest(classes = TestApplication.class, properties = {
		"workflow.broker.exchange=wf-test-deadline", "workflow.broker.step-queue=wf-test-deadline.steps",
		"workflow.broker.parking-queue=wf-test-deadline.parked" })
class DeadlineIntegrationTests {

	@Autowired
	private WorkflowClient client;

	@Autowired
	private JdbcTemplate jdbc;

	@Test
	void whenAJobRunsPastItsWorkflowsTimeoutThenItEndsTimedOutWithItsChildAndTheRunningStepsResultIsDiscarded() {
		DeadlineWorkflows.gate = new CountDownLatch(1);
		try {
			UUID parent = this.client.start("parent_with_timeout", "late").id();
			await().atMost(Duration.ofSeconds(30)).until(() -> childOf(parent) != null
					&& this.client.get(childOf(parent)).orElseThrow().status() == JobStatus.RUNNING);
			UUID child = childOf(parent);

			await().atMost(Duration.ofSeconds(30))
				.until(() -> this.client.get(parent).orElseThrow().status() == JobStatus.TIMED_OUT);
			Job timedOut = this.client.get(parent).orElseThrow();
			assertThat(timedOut.error().type()).isEqualTo("dev.workflow.api.JobTimeoutException");
			assertThat(timedOut.error().message()).contains("ran past its deadline");
			assertThat(timedOut.deadlineAt()).isEqualTo(timedOut.createdAt().plusSeconds(2));
			assertThat(timedOut.finishedAt()).isAfterOrEqualTo(timedOut.deadlineAt());
			assertThat(this.client.get(child).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);

			// The child's step, still running when its job ended, finishes: its result is discarded.
			DeadlineWorkflows.gate.countDown();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> this.client.history(child).get(0).status() == StepStatus.CANCELLED);
			assertThat(this.client.get(child).orElseThrow().output()).isNull();
			assertThat(this.client.get(parent).orElseThrow().status()).isEqualTo(JobStatus.TIMED_OUT);
		}
		finally {
			DeadlineWorkflows.gate.countDown();
		}
	}

	@Test
	void whenAStartGivesATimeoutThenItsJobTimesOutAndOnlyThen() {
		DeadlineWorkflows.gate = new CountDownLatch(1);
		try {
			UUID held = this.client.start("held_step", "held", StartOptions.defaults().timeout(Duration.ofSeconds(1)))
				.id();
			UUID free = this.client.start("held_step", "free").id();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> this.client.get(held).orElseThrow().status() == JobStatus.TIMED_OUT);
			assertThat(this.client.get(free).orElseThrow().status()).isNotEqualTo(JobStatus.TIMED_OUT);
			DeadlineWorkflows.gate.countDown();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> this.client.get(free).orElseThrow().status() == JobStatus.COMPLETED);
			List<StepExecution> history = this.client.history(held);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> this.client.history(held).get(0).status() == StepStatus.CANCELLED);
			assertThat(history).hasSize(1);
			assertThat(this.client.get(held).orElseThrow().status()).isEqualTo(JobStatus.TIMED_OUT);
		}
		finally {
			DeadlineWorkflows.gate.countDown();
		}
	}

	private UUID childOf(UUID parent) {
		List<UUID> children = this.jdbc.queryForList("select j.id from wf_job j join wf_step_execution s on "
				+ "s.id = j.parent_entry_id where s.job_id = ?", UUID.class, parent);
		return children.isEmpty() ? null : children.get(0);
	}

}
