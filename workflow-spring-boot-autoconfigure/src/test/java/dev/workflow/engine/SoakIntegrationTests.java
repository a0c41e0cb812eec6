package dev.workflow.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.workflow.api.JobStatus;
import dev.workflow.api.WorkflowClient;
import dev.workflow.test.TestApplication;
import dev.workflow.test.workflows.SoakWorkflow;
import dev.workflow.transport.WorkflowTopology;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.AmqpAdmin;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Thousands of jobs while one step attempt in five throws and poison messages arrive: every job ends as its retry
 * policy dictates, no step execution completes twice, and every poison message is parked.
 */
@DirtiesContext
@SpringBootTest(classes = TestApplication.class,
		properties = { "workflow.broker.exchange=wf-test-soak", "workflow.broker.step-queue=wf-test-soak.steps",
				"workflow.broker.parking-queue=wf-test-soak.parked", "workflow.worker.concurrency=8",
				"workflow.worker.prefetch=20", "workflow.scheduler.poll-interval=50ms" })
class SoakIntegrationTests {

	private static final int JOBS = 2000;

	private static final int POISON = 25;

	@Autowired
	WorkflowClient client;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	RabbitTemplate rabbitTemplate;

	@Autowired
	AmqpAdmin amqpAdmin;

	@Autowired
	WorkflowTopology topology;

	@Test
	void whenOneAttemptInFiveThrowsThenEveryJobEndsAsItsRetryPolicyDictatesAndNothingIsLostOrDoubled() {
		long started = System.nanoTime();
		List<UUID> jobs = new ArrayList<>(JOBS);
		for (int i = 0; i < JOBS; i++) {
			jobs.add(this.client.start("soak", 0).id());
			if (i % (JOBS / POISON) == 0) {
				this.rabbitTemplate.send(this.topology.exchange(), this.topology.stepRoutingKey(),
						MessageBuilder.withBody(("{\"poison\": " + i).getBytes(StandardCharsets.UTF_8)).build());
			}
		}
		await().atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(1)).until(() -> this.jdbc.queryForObject(
				"select count(*) from wf_job where id = any(?) and status in ('COMPLETED', 'FAILED')", Integer.class,
				(Object) jobs.toArray(new UUID[0])) == JOBS);
		double seconds = (System.nanoTime() - started) / 1e9;

		Map<UUID, Map<String, Object>> jobRows = new HashMap<>();
		for (Map<String, Object> row : this.jdbc.queryForList("select id, status, output::text as output from wf_job "
				+ "where id = any(?)", (Object) jobs.toArray(new UUID[0]))) {
			jobRows.put((UUID) row.get("id"), row);
		}
		Map<UUID, List<Map<String, Object>>> historyByJob = new HashMap<>();
		for (Map<String, Object> row : this.jdbc.queryForList("select id, job_id, sequence, attempt, status "
				+ "from wf_step_execution where job_id = any(?) order by job_id, sequence, attempt",
				(Object) jobs.toArray(new UUID[0]))) {
			historyByJob.computeIfAbsent((UUID) row.get("job_id"), (id) -> new ArrayList<>()).add(row);
		}
		int failedAttempts = 0;
		int failedJobs = 0;
		int executions = 0;
		for (UUID job : jobs) {
			List<Map<String, Object>> history = historyByJob.get(job);
			Map<Integer, Integer> completedPerStep = new HashMap<>();
			boolean exhausted = false;
			for (Map<String, Object> execution : history) {
				executions++;
				boolean shouldFail = SoakWorkflow.failing((UUID) execution.get("id"));
				String status = (String) execution.get("status");
				assertThat(status).as("attempt %s of job %s", execution.get("attempt"), job)
					.isEqualTo(shouldFail ? "FAILED" : "COMPLETED");
				if (shouldFail) {
					failedAttempts++;
					exhausted |= (Integer) execution.get("attempt") == 3;
				}
				else {
					completedPerStep.merge((Integer) execution.get("sequence"), 1, Integer::sum);
				}
			}
			assertThat(completedPerStep.values()).as("no step of job %s completed twice", job).allMatch((n) -> n == 1);
			Map<String, Object> row = jobRows.get(job);
			if (exhausted) {
				failedJobs++;
				assertThat(row.get("status")).as("job %s", job).isEqualTo(JobStatus.FAILED.name());
			}
			else {
				assertThat(row.get("status")).as("job %s", job).isEqualTo(JobStatus.COMPLETED.name());
				assertThat(completedPerStep).hasSize(5);
				assertThat(row.get("output")).isEqualTo("5");
			}
		}
		await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
				this.amqpAdmin.getQueueInfo(this.topology.parkingQueue()).getMessageCount()).isEqualTo(POISON));
		System.out.printf("SOAK: %d jobs, %d step executions, %d injected failures, %d jobs failed by policy, "
				+ "0 lost, 0 completed twice, %d poison messages parked, %.1f s%n", JOBS, executions, failedAttempts,
				failedJobs, POISON, seconds);
	}

}
