package dev.workflow.engine;

import java.time.Duration;
import java.util.UUID;

import dev.workflow.api.WorkflowClient;
import dev.workflow.test.TestApplication;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DurableSleepIntegrationTests {

	@Test
	void whenEveryInstanceRestartsWhileAJobSleepsThenTheJobWakesUpOnTheNewOne() {
		UUID jobId;
		try (ConfigurableApplicationContext before = instance("before-restart")) {
			JdbcTemplate jdbc = before.getBean(JdbcTemplate.class);
			jobId = before.getBean(WorkflowClient.class).start("sleeper", 3000).id();
			await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
					"select count(*) from wf_step_execution where job_id = ? and step_name = 'workflow.sleep' "
							+ "and status = 'SCHEDULED'", Integer.class, jobId) == 1);
		}
		// No instance runs now: the sleeping job is a row in the database and nothing else.
		try (ConfigurableApplicationContext after = instance("after-restart")) {
			assertThat(after.getBean(WorkflowClient.class).handle(jobId, Integer.class).await(Duration.ofSeconds(30)))
				.isEqualTo(3);
			assertThat(after.getBean(JdbcTemplate.class).queryForObject(
					"select worker_id from wf_step_execution where job_id = ? and step_name = 'workflow.sleep'",
					String.class, jobId))
				.isEqualTo("after-restart");
		}
	}

	private static ConfigurableApplicationContext instance(String id) {
		return new SpringApplicationBuilder(TestApplication.class).run("--workflow.worker.id=" + id,
				"--workflow.scheduler.poll-interval=100ms", "--workflow.broker.exchange=wf-test-sleep",
				"--workflow.broker.step-queue=wf-test-sleep.steps",
				"--workflow.broker.parking-queue=wf-test-sleep.parked");
	}

}
