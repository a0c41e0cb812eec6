package dev.workflow.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.workflow.api.Job;
import dev.workflow.api.JobStatus;
import dev.workflow.api.WorkflowClient;
import dev.workflow.devservers.DevServers;
import dev.workflow.devservers.ServerSource;
import dev.workflow.test.TestApplication;
import dev.workflow.test.TestDatabases;
import dev.workflow.test.TestServers;
import dev.workflow.transport.MessageRefusedException;
import dev.workflow.transport.StepMessage;
import dev.workflow.transport.WorkflowTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * A step message the broker refuses for good (a nack, a return, or a channel the broker closes over it) is tried
 * again a bounded number of times, alone, and then fails its step and job with the broker's reason; its outbox row
 * goes. Messages refused only because they shared a channel with it go out on their next try.
 * <p>
 * On a database of its own, so that no other test's background work relays these outbox rows.
 */
class OutboxRefusalIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() {
		context = new SpringApplicationBuilder(TestApplication.class).run(
				"--spring.datasource.url=" + TestDatabases.createEmptyDatabase(),
				"--workflow.broker.exchange=wf-test-refusal", "--workflow.broker.step-queue=wf-test-refusal.steps",
				"--workflow.broker.parking-queue=wf-test-refusal.parked", "--workflow.broker.max-refusals=3",
				"--workflow.scheduler.poll-interval=100ms", "--workflow.scheduler.outbox-relay-after=200ms",
				// Above the embedded broker's maximum message size, so that the broker is the one to refuse.
				"--workflow.max-payload-size=64MB");
	}

	@AfterAll
	static void stop() {
		context.close();
	}

	@Test
	void whenTheBrokerRefusesAMessageForGoodThenItsJobFailsWithTheBrokersReasonAndItsRowGoes() {
		// Rows a crash left behind, in one batch of the relay: one for an exchange that does not exist, which the
		// broker answers by closing the channel, and three fine ones, which may have been on that channel too.
		UUID refused = queuedJob("wf-test-refusal-missing");
		List<UUID> fine = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			fine.add(queuedJob(context.getBean(WorkflowTopology.class).exchange()));
		}

		await().atMost(WAIT).until(() -> job(refused).status().isFinal());
		Job job = job(refused);
		assertThat(job.status()).isEqualTo(JobStatus.FAILED);
		assertThat(job.currentStep()).isEqualTo("flaky");
		assertThat(job.error().type()).isEqualTo(MessageRefusedException.class.getName());
		assertThat(job.error().message()).contains("The broker refused the message of step 'flaky' (attempt 1) of job "
				+ refused + " of workflow 'flaky' 3 times")
			.contains("exchange 'wf-test-refusal-missing'")
			.contains("404");
		assertThat(outboxRows(refused)).isZero();
		for (UUID id : fine) {
			assertThat(client().handle(id, String.class).await(WAIT)).isEqualTo("ok on attempt 1");
		}
	}

	@Test
	void whenAMessageIsOverTheBrokersMaximumSizeThenItsJobFailsWithTheBrokersReason() {
		assumeThat(DevServers.broker().source() == ServerSource.EMBEDDED || TestServers.restartable())
			.as("the embedded broker and the RabbitMQ of scripts/servers.sh refuse messages over 16 MiB, as RabbitMQ 4 "
					+ "does by default; another RabbitMQ 3 takes 128 MiB, which is more than this test should send")
			.isTrue();

		UUID jobId = client().start("value_pipeline", "x".repeat(17 * 1024 * 1024)).id();

		await().atMost(WAIT).until(() -> job(jobId).status().isFinal());
		Job job = job(jobId);
		assertThat(job.status()).isEqualTo(JobStatus.FAILED);
		assertThat(job.error().type()).isEqualTo(MessageRefusedException.class.getName());
		assertThat(job.error().message()).contains("refused the message of step 'produce' (attempt 1)")
			.containsIgnoringCase("message size");
		assertThat(outboxRows(jobId)).isZero();
	}

	/**
	 * Stores a queued job of workflow {@code flaky} whose first step waits in an outbox row for an exchange, as a
	 * crash between commit and publish leaves it.
	 */
	private static UUID queuedJob(String exchange) {
		JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
		UUID jobId = UUID.randomUUID();
		UUID executionId = UUID.randomUUID();
		jdbc.update("insert into wf_job (id, workflow_name, status, input, user_context, step_count, current_step, "
				+ "created_at) values (?, 'flaky', 'QUEUED', '\"ok\"', '{}', 1, 'flaky', now())", jobId);
		jdbc.update("insert into wf_step_execution (id, job_id, sequence, step_name, attempt, status, input, "
				+ "created_at) values (?, ?, 0, 'flaky', 1, 'QUEUED', '\"ok\"', now())", executionId, jobId);
		StepMessage message = new StepMessage(jobId, executionId, "flaky", "flaky", 1,
				JsonNodeFactory.instance.stringNode("ok"), null, JsonNodeFactory.instance.objectNode(), null, null, null);
		jdbc.update("insert into wf_outbox (id, exchange, routing_key, payload, created_at) "
				+ "values (?, ?, ?, ?, now() - interval '1 minute')", UUID.randomUUID(), exchange,
				context.getBean(WorkflowTopology.class).stepRoutingKey(),
				context.getBean(WorkflowJson.class).encode(message));
		return jobId;
	}

	private static int outboxRows(UUID jobId) {
		return context.getBean(JdbcTemplate.class)
			.queryForObject("select count(*) from wf_outbox where payload::jsonb ->> 'jobId' = ?", Integer.class,
					jobId.toString());
	}

	private static Job job(UUID jobId) {
		return client().get(jobId).orElseThrow();
	}

	private static WorkflowClient client() {
		return context.getBean(WorkflowClient.class);
	}

}
