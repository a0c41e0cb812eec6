package dev.workflow.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.workflow.api.WorkflowClient;
import dev.workflow.test.RequiresServersScript;
import dev.workflow.test.TestApplication;
import dev.workflow.test.TestServers;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application rides through a restart of RabbitMQ and of PostgreSQL with hundreds of jobs in flight. These
 * tests restart the servers, so they run where the servers came from {@code scripts/servers.sh} (as in CI).
 */
@RequiresServersScript("restarts RabbitMQ and PostgreSQL with jobs in flight")
@DirtiesContext
@SpringBootTest(classes = TestApplication.class,
		properties = { "workflow.broker.exchange=wf-test-restart", "workflow.broker.step-queue=wf-test-restart.steps",
				"workflow.broker.parking-queue=wf-test-restart.parked", "workflow.worker.concurrency=4",
				"workflow.worker.error-backoff=500ms", "workflow.scheduler.poll-interval=100ms",
				"workflow.scheduler.outbox-relay-after=2s", "workflow.worker.lease-duration=10s",
				"spring.rabbitmq.listener.simple.recovery-interval=1s" })
class ServerRestartIntegrationTests {

	private static final int JOBS = 800;

	@Autowired
	WorkflowClient client;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void whenRabbitMqRestartsWithJobsInFlightThenEveryJobCompletes() {
		ridesThrough(TestServers::restartBroker);
	}

	@Test
	void whenPostgresRestartsWithJobsInFlightThenEveryJobCompletes() {
		ridesThrough(TestServers::restartDatabase);
	}

	private void ridesThrough(Runnable restart) {
		List<UUID> jobs = new ArrayList<>(JOBS);
		for (int i = 0; i < JOBS; i++) {
			jobs.add(this.client.start("paced", 0).id());
		}
		Object ids = jobs.toArray(new UUID[0]);
		int inFlight = this.jdbc.queryForObject(
				"select count(*) from wf_job where id = any(?) and status in ('QUEUED', 'RUNNING')", Integer.class, ids);
		assertThat(inFlight).as("jobs in flight when the server restarts").isGreaterThanOrEqualTo(500);
		System.out.println("RESTART: " + inFlight + " of " + JOBS + " jobs in flight");

		restart.run();

		long restarted = System.nanoTime();
		await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().until(
				() -> this.jdbc.queryForObject("select count(*) from wf_job where id = any(?) and status = 'COMPLETED'",
						Integer.class, ids) == JOBS);
		System.out.printf("RESTART: all %d jobs completed %.1f s after the restart began%n", JOBS,
				(System.nanoTime() - restarted) / 1e9);
		assertThat(this.jdbc.queryForObject("select count(*) from wf_job where id = any(?) and output::text <> '3'",
				Integer.class, ids))
			.isZero();
		assertThat(this.jdbc.queryForObject("select count(*) from (select job_id, sequence from wf_step_execution "
				+ "where job_id = any(?) and status = 'COMPLETED' group by job_id, sequence having count(*) > 1) twice",
				Integer.class, ids))
			.as("step executions completed twice")
			.isZero();
		assertThat(this.jdbc.queryForObject("select count(*) from wf_step_execution where job_id = any(?) "
				+ "and status = 'COMPLETED'", Integer.class, ids))
			.isEqualTo(JOBS * 3);
	}

}
