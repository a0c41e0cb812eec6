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
import dev.workflow.test.TwoInstances;
import dev.workflow.test.workflows.DeadlineWorkflows;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Deadlines on two instances that share the database and the queue: a job past its workflow's timeout or its start's
 * ends TIMED_OUT with its child, whichever instance runs its steps or watches its deadline.
 */
class DeadlineIntegrationTests {

	private static TwoInstances instances;

	private static WorkflowClient client;

	private static JdbcTemplate jdbc;

	@BeforeAll
	static void startTwoInstances() {
		instances = TwoInstances.start("deadline");
		client = instances.first().getBean(WorkflowClient.class);
		jdbc = instances.first().getBean(JdbcTemplate.class);
	}

	@AfterAll
	static void stopInstances() {
		if (instances != null) {
			instances.close();
		}
	}

	@Test
	void whenAJobRunsPastItsWorkflowsTimeoutThenItEndsTimedOutWithItsChildAndTheRunningStepsResultIsDiscarded() {
		DeadlineWorkflows.gate = new CountDownLatch(1);
		try {
			UUID parent = client.start("parent_with_timeout", "late").id();
			await().atMost(Duration.ofSeconds(30)).until(() -> childOf(parent) != null
					&& client.get(childOf(parent)).orElseThrow().status() == JobStatus.RUNNING);
			UUID child = childOf(parent);

			await().atMost(Duration.ofSeconds(30))
				.until(() -> client.get(parent).orElseThrow().status() == JobStatus.TIMED_OUT);
			Job timedOut = client.get(parent).orElseThrow();
			assertThat(timedOut.error().type()).isEqualTo("dev.workflow.api.JobTimeoutException");
			assertThat(timedOut.error().message()).contains("ran past its deadline");
			assertThat(timedOut.deadlineAt()).isEqualTo(timedOut.createdAt().plusSeconds(2));
			assertThat(timedOut.finishedAt()).isAfterOrEqualTo(timedOut.deadlineAt());
			assertThat(client.get(child).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);

			// The child's step, still running when its job ended, finishes: its result is discarded.
			DeadlineWorkflows.gate.countDown();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> client.history(child).get(0).status() == StepStatus.CANCELLED);
			assertThat(client.get(child).orElseThrow().output()).isNull();
			assertThat(client.get(parent).orElseThrow().status()).isEqualTo(JobStatus.TIMED_OUT);
		}
		finally {
			DeadlineWorkflows.gate.countDown();
		}
	}

	@Test
	void whenAStartGivesATimeoutThenItsJobTimesOutAndOnlyThen() {
		DeadlineWorkflows.gate = new CountDownLatch(1);
		try {
			UUID held = client.start("held_step", "held", StartOptions.defaults().timeout(Duration.ofSeconds(1)))
				.id();
			UUID free = client.start("held_step", "free").id();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> client.get(held).orElseThrow().status() == JobStatus.TIMED_OUT);
			assertThat(client.get(free).orElseThrow().status()).isNotEqualTo(JobStatus.TIMED_OUT);
			DeadlineWorkflows.gate.countDown();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> client.get(free).orElseThrow().status() == JobStatus.COMPLETED);
			List<StepExecution> history = client.history(held);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> client.history(held).get(0).status() == StepStatus.CANCELLED);
			assertThat(history).hasSize(1);
			assertThat(client.get(held).orElseThrow().status()).isEqualTo(JobStatus.TIMED_OUT);
		}
		finally {
			DeadlineWorkflows.gate.countDown();
		}
	}

	private UUID childOf(UUID parent) {
		List<UUID> children = jdbc.queryForList("select j.id from wf_job j join wf_step_execution s on "
				+ "s.id = j.parent_entry_id where s.job_id = ?", UUID.class, parent);
		return children.isEmpty() ? null : children.get(0);
	}

}
