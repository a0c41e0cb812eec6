package dev.workflow.engine;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.workflow.api.Job;
import dev.workflow.api.JobFailedException;
import dev.workflow.api.JobHandle;
import dev.workflow.api.JobNotFoundException;
import dev.workflow.api.JobNotRetryableException;
import dev.workflow.api.JobQuery;
import dev.workflow.api.JobStatus;
import dev.workflow.api.StartOptions;
import dev.workflow.api.StepExecution;
import dev.workflow.api.StepStatus;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowSummary;
import dev.workflow.test.TestApplication;
import dev.workflow.test.TestDatabases;
import dev.workflow.test.workflows.CounterSteps;
import dev.workflow.test.workflows.RepairableWorkflow;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * What an operator does with jobs, on real servers and a database of its own: read a job's history, retry a failed
 * job from its failed step, page through jobs by time, and summarise each workflow.
 */
@DirtiesContext
@SpringBootTest(classes = TestApplication.class,
		properties = { "workflow.broker.exchange=wf-test-operations",
				"workflow.broker.step-queue=wf-test-operations.steps",
				"workflow.broker.parking-queue=wf-test-operations.parked" })
class JobOperationsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		String url = TestDatabases.createEmptyDatabase();
		registry.add("spring.datasource.url", () -> url);
	}

	@Autowired
	WorkflowClient client;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void whenAPipelineJobFailedThenItsHistoryShowsEveryAttemptAndARetryCompletesItFromTheFailedStep() {
		JobHandle<Object> job = this.client.start("flaky", "fail-3");
		assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> job.await(WAIT));

		List<StepExecution> failed = this.client.history(job.id());
		assertThat(failed).extracting(StepExecution::step, StepExecution::attempt, StepExecution::status)
			.containsExactly(tuple("flaky", 1, StepStatus.FAILED),
					tuple("flaky", 2, StepStatus.FAILED),
					tuple("flaky", 3, StepStatus.FAILED));
		assertThat(failed).allSatisfy((attempt) -> {
			assertThat(attempt.input()).isEqualTo("fail-3");
			assertThat(attempt.error()).isNotNull();
			assertThat(attempt.error().message()).isEqualTo("attempt " + attempt.attempt() + " fails");
			assertThat(attempt.startedAt()).isNotNull();
			assertThat(attempt.finishedAt()).isAfterOrEqualTo(attempt.startedAt());
		});

		this.client.retry(job.id());

		assertThat(job.await(WAIT)).isEqualTo("ok on attempt 4");
		Job completed = job.job();
		assertThat(completed.status()).isEqualTo(JobStatus.COMPLETED);
		assertThat(completed.error()).isNull();
		assertThat(completed.finishedAt()).isNotNull();
		List<StepExecution> history = this.client.history(job.id());
		assertThat(history).hasSize(4);
		assertThat(history.get(3)).satisfies((retried) -> {
			assertThat(retried.attempt()).isEqualTo(4);
			assertThat(retried.status()).isEqualTo(StepStatus.COMPLETED);
			assertThat(retried.output()).isEqualTo("ok on attempt 4");
			assertThat(retried.error()).isNull();
		});
	}

	@Test
	void whenAnOrchestratedJobFailedThenARetryRunsTheFailedStepAgainAndKeepsWhatCompletedBefore() {
		String key = UUID.randomUUID().toString();
		JobHandle<Object> job = this.client.start("repairable", key);
		assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> job.await(WAIT))
			.satisfies((ex) -> assertThat(ex.job().error().message()).isEqualTo("part " + key + " is broken"));

		RepairableWorkflow.repair(key);
		this.client.retry(job.id());

		assertThat(job.await(WAIT)).isEqualTo("repaired " + key + " 3");
		assertThat(this.client.history(job.id()))
			.extracting(StepExecution::sequence, StepExecution::step, StepExecution::attempt, StepExecution::status)
			.containsExactly(tuple(0, "add", 1, StepStatus.COMPLETED),
					tuple(1, "fragile", 1, StepStatus.FAILED),
					tuple(1, "fragile", 2, StepStatus.COMPLETED));
	}

	@Test
	void whenAParallelStepFailedThenARetryRunsItAgainWithTheSiblingItsFailureCancelled() {
		String key = UUID.randomUUID().toString();
		JobHandle<Object> job = this.client.start("repairable_parallel", key);
		assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> job.await(WAIT));
		CounterSteps.open(key);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.client.history(job.id()))
				.extracting(StepExecution::step, StepExecution::status)
				.containsExactly(tuple("fragile", StepStatus.FAILED), tuple("gate", StepStatus.CANCELLED)));

		RepairableWorkflow.repair(key);
		this.client.retry(job.id());

		assertThat(job.await(WAIT)).isEqualTo(List.of("repaired " + key, "passed " + key));
		assertThat(this.client.history(job.id()))
			.extracting(StepExecution::step, StepExecution::attempt, StepExecution::status)
			.containsExactly(tuple("fragile", 1, StepStatus.FAILED), tuple("fragile", 2, StepStatus.COMPLETED),
					tuple("gate", 1, StepStatus.CANCELLED), tuple("gate", 2, StepStatus.COMPLETED));
	}

	@Test
	void whenAJobDidNotFailThenItCannotBeRetriedAndAnUnknownJobIsNotFound() {
		JobHandle<Object> job = this.client.start("flaky", "fine");
		job.await(WAIT);

		assertThatExceptionOfType(JobNotRetryableException.class).isThrownBy(() -> this.client.retry(job.id()))
			.withMessageContaining("is COMPLETED; only FAILED jobs can be retried");
		UUID unknown = UUID.randomUUID();
		assertThatExceptionOfType(JobNotFoundException.class).isThrownBy(() -> this.client.retry(unknown));
		assertThatExceptionOfType(JobNotFoundException.class).isThrownBy(() -> this.client.history(unknown));
	}

	@Test
	void whenJobsAreFoundByTimeAndPageThenPagesFollowEachOtherNewestFirst() {
		String tenant = UUID.randomUUID().toString();
		List<UUID> started = new ArrayList<>();
		Instant anHourAgo = Instant.now().minus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
		for (int i = 0; i < 5; i++) {
			UUID id = this.client.start("flaky", "fine", StartOptions.defaults().userContext(Map.of("tenant", tenant)))
				.id();
			started.add(id);
			// Distinct, ordered start times, a minute apart, the newest an hour ago.
			this.jdbc.update("update wf_job set created_at = ? where id = ?",
					Timestamp.from(anHourAgo.minus(Duration.ofMinutes(4 - i))), id);
		}
		JobQuery mine = JobQuery.all().userContext("tenant", tenant);

		assertThat(this.client.find(mine.limit(2))).extracting(Job::id)
			.containsExactly(started.get(4), started.get(3));
		assertThat(this.client.find(mine.offset(2).limit(2))).extracting(Job::id)
			.containsExactly(started.get(2), started.get(1));
		assertThat(this.client.find(mine.offset(4).limit(2))).extracting(Job::id).containsExactly(started.get(0));
		assertThat(this.client.get(started.get(4)).orElseThrow().createdAt()).isEqualTo(anHourAgo);
		assertThat(this.client.find(mine.createdAfter(anHourAgo.minus(Duration.ofMinutes(2))).createdBefore(anHourAgo)))
			.extracting(Job::id)
			.containsExactly(started.get(3), started.get(2));
	}

	@Test
	void whenWorkflowsAreSummarisedThenEachHasItsCountsByStatusAndItsRecentThroughput() {
		JobHandle<Object> completed = this.client.start("flaky", "fine");
		JobHandle<Object> failed = this.client.start("flaky", "fatal");
		completed.await(WAIT);
		assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> failed.await(WAIT));
		long completedBefore = this.jdbc.queryForObject(
				"select count(*) from wf_job where workflow_name = 'flaky' and status = 'COMPLETED'", Long.class);
		long failedBefore = this.jdbc.queryForObject(
				"select count(*) from wf_job where workflow_name = 'flaky' and status = 'FAILED'", Long.class);

		List<WorkflowSummary> summaries = this.client.summaries();

		assertThat(summaries).extracting(WorkflowSummary::name).contains("flaky", "repairable", "five_steps")
			.isSorted();
		WorkflowSummary flaky = summaries.stream().filter((s) -> s.name().equals("flaky")).findFirst().orElseThrow();
		assertThat(flaky.kind()).isEqualTo("pipeline");
		assertThat(flaky.steps()).containsExactly("flaky");
		assertThat(flaky.counts()).containsOnlyKeys(JobStatus.values());
		assertThat(flaky.counts().get(JobStatus.COMPLETED)).isEqualTo(completedBefore);
		assertThat(flaky.counts().get(JobStatus.FAILED)).isEqualTo(failedBefore);
		assertThat(flaky.completedLastHour()).isPositive();
		assertThat(flaky.failedLastHour()).isPositive();
		assertThat(flaky.throughput()).hasSize(15);
		assertThat(flaky.throughput().stream().mapToLong(WorkflowSummary.Minute::completed).sum()).isPositive();
		assertThat(flaky.throughput().stream().mapToLong(WorkflowSummary.Minute::failed).sum()).isPositive();
		assertThat(summaries.stream().filter((s) -> s.name().equals("repairable")).findFirst().orElseThrow().kind())
			.isEqualTo("orchestration");
	}

}
