package dev.workflow.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.workflow.api.JobFailedException;
import dev.workflow.api.JobHandle;
import dev.workflow.api.StepOutcomeNotRecordedException;
import dev.workflow.api.WorkflowClient;
import dev.workflow.test.TestApplication;
import dev.workflow.test.TestDatabases;
import dev.workflow.test.workflows.UnrecordableWorkflow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Outcomes the database refuses to store, on real servers, in a database of its own with a trigger that rejects
 * them: no attempt runs again without bound, and the job fails once its attempts are spent.
 */
class UnrecordableOutcomeIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() {
		context = new SpringApplicationBuilder(TestApplication.class).run(
				"--spring.datasource.url=" + TestDatabases.createEmptyDatabase(),
				"--workflow.broker.exchange=wf-test-unrecordable",
				"--workflow.broker.step-queue=wf-test-unrecordable.steps",
				"--workflow.broker.parking-queue=wf-test-unrecordable.parked", "--workflow.worker.lease-duration=1s",
				"--workflow.worker.error-backoff=100ms", "--workflow.worker.max-lease-lapses=1",
				"--workflow.scheduler.poll-interval=100ms");
		context.getBean(JdbcTemplate.class).execute("""
				create function wf_test_reject() returns trigger language plpgsql as $$
				begin
				  if new.output::text like '%unrecordable%' or new.error_message like '%unrecordable%' then
				    raise exception 'the test trigger rejects this row';
				  end if;
				  return new;
				end $$;
				create trigger wf_test_reject before update on wf_step_execution
				  for each row execute function wf_test_reject();
				""");
	}

	@AfterAll
	static void stop() {
		context.close();
	}

	@Test
	void whenTheDatabaseRefusesAStepsResultThenEachAttemptFailsWithTheReasonAndTheJobFails() {
		JobHandle<Object> job = context.getBean(WorkflowClient.class).start("unrecordable", "result");

		assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> job.await(WAIT))
			.withMessageContaining("The result of step 'produce'")
			.withMessageContaining("the test trigger rejects this row");
		assertThat(attempts(job)).as("attempts: the step's two, each failed with the reason")
			.extracting((row) -> row.get("attempt"), (row) -> row.get("status"), (row) -> row.get("error_type"))
			.containsExactly(org.assertj.core.groups.Tuple.tuple(1, "FAILED", StepOutcomeNotRecordedException.class.getName()),
					org.assertj.core.groups.Tuple.tuple(2, "FAILED", StepOutcomeNotRecordedException.class.getName()));
		assertThat(UnrecordableWorkflow.RUNS.get(job.id())).as("runs of the step").hasValue(2);
	}

	@Test
	void whenTheDatabaseRefusesEvenAStepsErrorThenTheLapsesOfEachAttemptAreBoundedAndTheJobFails() {
		JobHandle<Object> job = context.getBean(WorkflowClient.class).start("unrecordable", "error");

		assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> job.await(WAIT))
			.withMessageContaining("lost its worker's lease 2 times")
			.withMessageContaining("workflow.worker.max-lease-lapses=1");
		assertThat(attempts(job)).extracting((row) -> row.get("attempt"), (row) -> row.get("status"))
			.containsExactly(org.assertj.core.groups.Tuple.tuple(1, "FAILED"),
					org.assertj.core.groups.Tuple.tuple(2, "FAILED"));
		assertThat(UnrecordableWorkflow.RUNS.get(job.id()))
			.as("runs of the step: each of its two attempts, dispatched again after one lapse")
			.hasValue(4);
	}

	private static List<Map<String, Object>> attempts(JobHandle<Object> job) {
		return context.getBean(JdbcTemplate.class).queryForList(
				"select attempt, status, error_type from wf_step_execution where job_id = ? order by attempt", job.id());
	}

}
