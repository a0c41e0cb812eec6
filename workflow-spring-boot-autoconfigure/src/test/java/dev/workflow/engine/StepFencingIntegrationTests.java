package dev.workflow.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.workflow.api.JobHandle;
import dev.workflow.api.WorkflowClient;
import dev.workflow.test.TestApplication;
import dev.workflow.test.TestDatabases;
import dev.workflow.test.workflows.LateWorkerWorkflow;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Fencing on real servers: a worker whose lease lapsed while its step ran, and whose step was then claimed and run
 * again, returns late; its result changes nothing, and the run that took its place completes the attempt.
 */
class StepFencingIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void whenAWorkerWhoseLeaseLapsedReturnsLateThenItsResultChangesNothingAndTheNewClaimCompletesTheAttempt()
			throws Exception {
		// A lease of an hour is never renewed within the test: the test lets it lapse by hand, as a worker's pause would.
		String[] arguments = { "--spring.datasource.url=" + TestDatabases.createEmptyDatabase(),
				"--workflow.broker.exchange=wf-test-fencing", "--workflow.broker.step-queue=wf-test-fencing.steps",
				"--workflow.broker.parking-queue=wf-test-fencing.parked", "--workflow.worker.lease-duration=1h",
				"--workflow.scheduler.poll-interval=100ms" };
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.run(arguments)) {
			WorkflowClient client = context.getBean(WorkflowClient.class);
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			JobHandle<Object> job = client.start("late_worker", "done");
			assertThat(LateWorkerWorkflow.STARTED.tryAcquire(30, TimeUnit.SECONDS)).as("the first run started").isTrue();

			jdbc.update("update wf_step_execution set lease_expires_at = now() - interval '1 second' where job_id = ?",
					job.id());
			assertThat(LateWorkerWorkflow.STARTED.tryAcquire(30, TimeUnit.SECONDS))
				.as("the step was dispatched again and a second run started").isTrue();
			assertThat(jdbc.queryForObject("select claim_epoch from wf_step_execution where job_id = ?", Integer.class,
					job.id()))
				.as("the first claim's epoch, the re-queue's and the second claim's")
				.isEqualTo(3);

			LateWorkerWorkflow.RELEASE_FIRST.countDown();
			await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
					jdbc.queryForMap("select status, output from wf_step_execution where job_id = ?", job.id()))
				.as("the attempt, while the second run still runs")
				.containsEntry("status", "RUNNING")
				.containsEntry("output", null));

			LateWorkerWorkflow.RELEASE_OTHERS.countDown();
			assertThat(job.await(WAIT)).as("the job's result, from the run that held the claim").isEqualTo(
					"done by run 2");
			List<Map<String, Object>> history = jdbc.queryForList(
					"select attempt, status, claim_epoch from wf_step_execution where job_id = ? order by attempt",
					job.id());
			assertThat(history).as("one attempt, completed under the second claim")
				.containsExactly(Map.of("attempt", 1, "status", "COMPLETED", "claim_epoch", 3));
			assertThat(LateWorkerWorkflow.RUNS).as("runs of the step").hasValue(2);
		}
	}

}
