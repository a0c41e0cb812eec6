package dev.workflow.engine;

import java.time.Duration;
import java.util.Map;

import dev.workflow.api.JobHandle;
import dev.workflow.api.WorkflowClient;
import dev.workflow.test.TestApplication;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class GracefulShutdownIntegrationTests {

	@Test
	void whenAnInstanceStopsWithinTheGracePeriodThenItsStepInFlightFinishesThere() {
		JobHandle<Object> job;
		JdbcTemplate jdbc;
		try (ConfigurableApplicationContext first = instance("graceful-a", "10s")) {
			jdbc = first.getBean(JdbcTemplate.class);
			job = first.getBean(WorkflowClient.class).start("slow_step", 0);
			awaitRunning(jdbc, job);
		}
		try (ConfigurableApplicationContext second = instance("graceful-b", "10s")) {
			assertThat(second.getBean(WorkflowClient.class).handle(job.id(), Integer.class).await(Duration.ofSeconds(30)))
				.isEqualTo(2);
			Map<String, Object> slow = slowStep(second.getBean(JdbcTemplate.class), job);
			assertThat(slow).containsEntry("completed", 1L).containsEntry("worker", "graceful-a");
		}
	}

	@Test
	void whenAnInstanceStopsBeforeItsStepFinishesThenTheStepIsHandedBackAndNothingIsLost() {
		JobHandle<Object> job;
		JdbcTemplate jdbc;
		try (ConfigurableApplicationContext first = instance("impatient-a", "200ms")) {
			jdbc = first.getBean(JdbcTemplate.class);
			job = first.getBean(WorkflowClient.class).start("slow_step", 0);
			awaitRunning(jdbc, job);
		}
		try (ConfigurableApplicationContext second = instance("impatient-b", "10s")) {
			assertThat(second.getBean(WorkflowClient.class).handle(job.id(), Integer.class).await(Duration.ofSeconds(60)))
				.isEqualTo(2);
			assertThat(slowStep(second.getBean(JdbcTemplate.class), job)).containsEntry("completed", 1L)
				.containsEntry("worker", "impatient-b")
				.as("handed back at shutdown, not left to lapse")
				.containsEntry("lapses", 0);
		}
	}

	@Test
	void whenAnInstanceStopsBeforeAStepItRunsInProcessFinishesThenTheStepIsHandedBackWithAMessageOfItsOwn() {
		JobHandle<Object> job;
		JdbcTemplate jdbc;
		try (ConfigurableApplicationContext first = instance("impatient-chain-a", "200ms")) {
			jdbc = first.getBean(JdbcTemplate.class);
			job = first.getBean(WorkflowClient.class).start("slow_second_step", 0);
			// The slow step runs in-process after the first: claimed when it was created, with no message.
			await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("select count(*) from "
					+ "wf_step_execution where job_id = ? and step_name = 'slow' and status = 'RUNNING' "
					+ "and started_at = created_at", Integer.class, job.id()) == 1);
		}
		try (ConfigurableApplicationContext second = instance("impatient-chain-b", "10s")) {
			// Far within the claim timeout (15 minutes), which a step queued without a message would wait for.
			assertThat(second.getBean(WorkflowClient.class).handle(job.id(), Integer.class).await(Duration.ofSeconds(30)))
				.isEqualTo(3);
			assertThat(slowStep(second.getBean(JdbcTemplate.class), job)).containsEntry("completed", 1L)
				.containsEntry("worker", "impatient-chain-b")
				.as("handed back at shutdown, not left to lapse")
				.containsEntry("lapses", 0);
		}
	}

	private static void awaitRunning(JdbcTemplate jdbc, JobHandle<Object> job) {
		await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
				"select count(*) from wf_step_execution where job_id = ? and status = 'RUNNING'", Integer.class,
				job.id()) == 1);
	}

	private static Map<String, Object> slowStep(JdbcTemplate jdbc, JobHandle<Object> job) {
		return jdbc.queryForMap("select count(*) filter (where status = 'COMPLETED') as completed, "
				+ "max(worker_id) filter (where status = 'COMPLETED') as worker, "
				+ "max(lease_lapses) filter (where status = 'COMPLETED') as lapses from wf_step_execution "
				+ "where job_id = ? and step_name = 'slow'", job.id());
	}

	private static ConfigurableApplicationContext instance(String id, String grace) {
		return new SpringApplicationBuilder(TestApplication.class).run("--workflow.worker.id=" + id,
				"--workflow.worker.shutdown-timeout=" + grace, "--workflow.worker.lease-duration=2s",
				"--workflow.scheduler.poll-interval=100ms", "--workflow.broker.exchange=wf-test-shutdown",
				"--workflow.broker.step-queue=wf-test-shutdown.steps",
				"--workflow.broker.parking-queue=wf-test-shutdown.parked");
	}

}
