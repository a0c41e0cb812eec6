package dev.workflow.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.workflow.api.JobHandle;
import dev.workflow.api.WorkflowClient;
import dev.workflow.test.TestApplication;
import dev.workflow.test.TestDatabases;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

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

}
