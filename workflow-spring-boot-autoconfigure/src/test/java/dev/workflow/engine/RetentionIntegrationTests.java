package dev.workflow.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.workflow.api.JobHandle;
import dev.workflow.api.WorkflowClient;
import dev.workflow.store.EndedJobs;
import dev.workflow.test.TestApplication;
import dev.workflow.test.TestDatabases;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Retention on real servers, in a database of its own: only jobs that ended before the configured age go, with their
 * history, in batches, once however many instances try at the same time; a meter counts them.
 */
class RetentionIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Test
	void whenJobsEndedLongerAgoThanTheMaxAgeThenTwoInstancesDeleteThemAndTheirHistoryOnceAndKeepTheOthers()
			throws Exception {
		String[] arguments = { "--spring.datasource.url=" + TestDatabases.createEmptyDatabase(),
				"--workflow.broker.exchange=wf-test-retention", "--workflow.broker.step-queue=wf-test-retention.steps",
				"--workflow.broker.parking-queue=wf-test-retention.parked", "--workflow.retention.max-age=1h",
				"--workflow.retention.batch-size=2", "--workflow.retention.interval=1h" };
		try (ConfigurableApplicationContext first = new SpringApplicationBuilder(TestApplication.class).run(arguments);
				ConfigurableApplicationContext second = new SpringApplicationBuilder(TestApplication.class)
					.run(arguments)) {
			WorkflowClient client = first.getBean(WorkflowClient.class);
			JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);
			List<UUID> ended = new ArrayList<>();
			for (int i = 0; i < 5; i++) {
				JobHandle<Object> job = client.start("five_steps", List.of("job " + i));
				job.await(WAIT);
				ended.add(job.id());
			}
			List<UUID> old = ended.subList(0, 3);
			UUID recent = ended.get(3);
			UUID failedLongAgo = ended.get(4);
			for (UUID id : old) {
				jdbc.update("update wf_job set created_at = now() - interval '3 hours', "
						+ "finished_at = now() - interval '2 hours' where id = ?", id);
			}
			jdbc.update("update wf_job set status = 'FAILED', created_at = now() - interval '3 hours', "
					+ "finished_at = now() - interval '61 minutes' where id = ?", failedLongAgo);
			UUID runningForDays = UUID.randomUUID();
			jdbc.update("insert into wf_job (id, workflow_name, status, created_at, started_at) "
					+ "values (?, 'five_steps', 'RUNNING', now() - interval '3 days', now() - interval '3 days')",
					runningForDays);

			List<Callable<Long>> instances = List.of(first.getBean(Retention.class)::deleteExpired,
					second.getBean(Retention.class)::deleteExpired);
			ExecutorService pool = Executors.newFixedThreadPool(2);
			long deleted = 0;
			for (Future<Long> result : pool.invokeAll(instances)) {
				deleted += result.get();
			}
			pool.shutdown();
			// The instance that lost the lock on its first batch may take the rest: run both again to finish.
			deleted += first.getBean(Retention.class).deleteExpired() + second.getBean(Retention.class).deleteExpired();

			assertThat(deleted).as("jobs deleted by both instances together").isEqualTo(4);
			assertThat(jdbc.queryForList("select id from wf_job", UUID.class))
				.containsExactlyInAnyOrder(recent, runningForDays);
			assertThat(jdbc.queryForObject("select count(*) from wf_step_execution where job_id <> ?", Integer.class,
					recent))
				.as("the history of deleted jobs").isZero();
			assertThat(jdbc.queryForObject("select count(*) from wf_step_execution where job_id = ?", Integer.class,
					recent))
				.as("the history of a kept job").isEqualTo(5);

			SimpleMeterRegistry firstMeters = new SimpleMeterRegistry();
			SimpleMeterRegistry secondMeters = new SimpleMeterRegistry();
			first.getBean("workflowRetentionMetrics", MeterBinder.class).bindTo(firstMeters);
			second.getBean("workflowRetentionMetrics", MeterBinder.class).bindTo(secondMeters);
			assertThat(firstMeters.get("workflow.jobs.deleted").functionCounter().count()
					+ secondMeters.get("workflow.jobs.deleted").functionCounter().count())
				.as("the meters of both instances")
				.isEqualTo(4.0);
		}
	}

	@Test
	void whenARetryReopensAJobWhileRetentionDeletesItThenTheJobAndAllItsStepsStay() throws Exception {
		String[] arguments = { "--spring.datasource.url=" + TestDatabases.createEmptyDatabase(),
				"--workflow.worker.enabled=false", "--workflow.scheduler.enabled=false",
				"--workflow.broker.exchange=wf-test-retention", "--workflow.broker.step-queue=wf-test-retention.steps",
				"--workflow.broker.parking-queue=wf-test-retention.parked" };
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(TestApplication.class)
			.run(arguments)) {
			JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
			EndedJobs endedJobs = context.getBean(EndedJobs.class);
			UUID jobId = UUID.randomUUID();
			jdbc.update("insert into wf_job (id, workflow_name, status, created_at, started_at, finished_at) values "
					+ "(?, 'five_steps', 'FAILED', now() - interval '3 hours', now() - interval '3 hours', "
					+ "now() - interval '2 hours')", jobId);
			jdbc.update("insert into wf_step_execution (id, job_id, sequence, step_name, attempt, status, created_at, "
					+ "finished_at) values (?, ?, 0, 's1', 1, 'FAILED', now() - interval '3 hours', "
					+ "now() - interval '2 hours')", UUID.randomUUID(), jobId);

			int deleted;
			try (Connection retry = context.getBean(DataSource.class).getConnection()) {
				// What retry() does in its transaction: lock the job, add an attempt of its failed step, reopen it.
				retry.setAutoCommit(false);
				execute(retry, "select id from wf_job where id = ? for update", jobId);
				execute(retry, "insert into wf_step_execution (id, job_id, sequence, step_name, attempt, status, "
						+ "created_at) values ('" + UUID.randomUUID() + "', ?, 0, 's1', 2, 'SCHEDULED', now())", jobId);
				execute(retry, "update wf_job set status = 'RUNNING', finished_at = null where id = ?", jobId);

				CompletableFuture<Integer> deleting = CompletableFuture
					.supplyAsync(() -> endedJobs.deleteBatch(Instant.now().minus(Duration.ofHours(1)), 10));
				// Retention either passes the locked job by or waits for its lock; then the retry commits.
				await().atMost(WAIT)
					.until(() -> deleting.isDone() || jdbc.queryForObject("select count(*) from pg_stat_activity "
							+ "where datname = current_database() and wait_event_type = 'Lock'", Integer.class) > 0);
				retry.commit();
				deleted = deleting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
			}

			assertThat(deleted).as("jobs deleted").isZero();
			assertThat(jdbc.queryForObject("select status from wf_job where id = ?", String.class, jobId))
				.isEqualTo("RUNNING");
			assertThat(jdbc.queryForList("select attempt from wf_step_execution where job_id = ? order by attempt",
					Integer.class, jobId))
				.as("the attempts of the reopened job")
				.containsExactly(1, 2);
		}
	}

	private static void execute(Connection connection, String sql, UUID jobId) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setObject(1, jobId);
			statement.execute();
		}
	}

}
