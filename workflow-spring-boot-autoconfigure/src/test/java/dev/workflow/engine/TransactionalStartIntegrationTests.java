package dev.workflow.engine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.workflow.api.JobHandle;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowEvent;
import dev.workflow.test.RecordedEvents;
import dev.workflow.test.TestApplication;
import dev.workflow.test.TestDatabases;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Engine calls made inside the caller's transaction, on real servers, each test in a database and queues of its own.
 * The starting instance runs no workers and no background work, so that the test reads the step queue itself: a
 * message appears once the caller's transaction has committed, and never if it rolls back. A step whose message was
 * lost anyway is dispatched again once the claim timeout it was queued with has passed.
 */
class TransactionalStartIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void whenAJobIsStartedInTheCallersTransactionThenItsFirstStepIsPublishedOnlyAfterTheCommit() {
		try (ConfigurableApplicationContext context = starter("tx-commit", TestDatabases.createEmptyDatabase())) {
			WorkflowClient client = context.getBean(WorkflowClient.class);
			RabbitTemplate rabbit = context.getBean(RabbitTemplate.class);
			RecordedEvents events = context.getBean(RecordedEvents.class);
			UUID[] started = new UUID[1];
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				started[0] = client.start("five_steps", List.of("in a transaction")).id();
				assertThat(rabbit.receive("wf-test-tx-commit.steps", 1000))
					.as("a step message while the transaction that queued the step is open")
					.isNull();
				assertThat(events.of(started[0])).as("events before the commit").isEmpty();
			});

			Message message = rabbit.receive("wf-test-tx-commit.steps", WAIT.toMillis());
			assertThat(message).as("the step message after the commit").isNotNull();
			assertThat(new String(message.getBody(), StandardCharsets.UTF_8)).contains(started[0].toString());
			assertThat(events.of(started[0])).singleElement().isInstanceOf(WorkflowEvent.JobStarted.class);
		}
	}

	@Test
	void whenTheCallersTransactionRollsBackThenNoJobExistsAndNoMessageIsPublished() {
		try (ConfigurableApplicationContext context = starter("tx-rollback", TestDatabases.createEmptyDatabase())) {
			WorkflowClient client = context.getBean(WorkflowClient.class);
			UUID[] started = new UUID[1];
			UUID[] fanOut = new UUID[1];
			context.getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
				started[0] = client.start("five_steps", List.of("rolled back")).id();
				// A workflow method whose first decision dispatches several steps: the start's other way to store.
				fanOut[0] = client.start("fan_out", List.of(3, 0)).id();
				status.setRollbackOnly();
			});

			assertThat(client.get(started[0])).isEmpty();
			assertThat(client.get(fanOut[0])).isEmpty();
			assertThat(context.getBean(JdbcTemplate.class).queryForObject("select count(*) from wf_step_execution",
					Integer.class))
				.isZero();
			assertThat(context.getBean(RabbitTemplate.class).receive("wf-test-tx-rollback.steps", 1000)).isNull();
			assertThat(context.getBean(JdbcTemplate.class).queryForObject("select count(*) from wf_outbox",
					Integer.class))
				.isZero();
			assertThat(context.getBean(RecordedEvents.class).of(started[0])).isEmpty();
		}
	}

	@Test
	void whenAQueuedStepsMessageIsLostThenTheStepIsDispatchedAgainAfterTheClaimTimeoutAndTheJobCompletes() {
		String database = TestDatabases.createEmptyDatabase();
		try (ConfigurableApplicationContext starter = starter("lost", database)) {
			JobHandle<Object> job = starter.getBean(WorkflowClient.class).start("five_steps", List.of("lost"));
			JdbcTemplate jdbc = starter.getBean(JdbcTemplate.class);
			// Taken off the queue and dropped, as a purged or deleted queue would: the step waits with no message.
			assertThat(starter.getBean(RabbitTemplate.class).receive("wf-test-lost.steps", WAIT.toMillis())).isNotNull();
			await().atMost(WAIT)
				.until(() -> jdbc.queryForObject("select count(*) from wf_outbox", Integer.class) == 0);

			try (ConfigurableApplicationContext worker = new SpringApplicationBuilder(TestApplication.class).run(
					"--spring.datasource.url=" + database, "--workflow.broker.exchange=wf-test-lost",
					"--workflow.broker.step-queue=wf-test-lost.steps",
					"--workflow.broker.parking-queue=wf-test-lost.parked", "--workflow.worker.claim-timeout=1s",
					"--workflow.scheduler.poll-interval=100ms")) {
				assertThat(job.await(WAIT)).isEqualTo(List.of("lost", "s1", "s2", "s3", "s4", "s5"));
			}
		}
	}

	private static ConfigurableApplicationContext starter(String name, String database) {
		return new SpringApplicationBuilder(TestApplication.class).run("--spring.datasource.url=" + database,
				"--workflow.broker.exchange=wf-test-" + name, "--workflow.broker.step-queue=wf-test-" + name + ".steps",
				"--workflow.broker.parking-queue=wf-test-" + name + ".parked", "--workflow.worker.enabled=false",
				"--workflow.scheduler.enabled=false", "--workflow.worker.claim-timeout=1s");
	}

}
