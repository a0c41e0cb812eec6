package dev.workflow.engine;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.workflow.api.JobFailedException;
import dev.workflow.api.JobHandle;
import dev.workflow.api.JobNotCancellableException;
import dev.workflow.api.JobStatus;
import dev.workflow.api.StepStatus;
import dev.workflow.api.StepTimeoutException;
import dev.workflow.api.WorkflowClient;
import dev.workflow.store.StepExecutionEntity;
import dev.workflow.store.StepExecutions;
import dev.workflow.test.TestApplication;
import dev.workflow.test.workflows.BlockingWorkflow;
import dev.workflow.test.workflows.HangingWorkflow;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

@DirtiesContext
@SpringBootTest(classes = TestApplication.class,
		properties = { "workflow.broker.exchange=wf-test-reliability",
				"workflow.broker.step-queue=wf-test-reliability.steps",
				"workflow.broker.parking-queue=wf-test-reliability.parked", "workflow.worker.id=reliable-worker",
				"workflow.worker.lease-duration=2s", "workflow.scheduler.poll-interval=100ms",
				"workflow.retry.non-retryable-exceptions=java.lang.IllegalArgumentException" })
class ReliabilityIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Autowired
	WorkflowClient client;

	@Autowired
	StepExecutions steps;

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void whenAStepFailsBelowItsAttemptLimitThenItIsRetriedFromADueRowAndTheJobCompletes() {
		JobHandle<Object> job = this.client.start("flaky", "fail-2");

		assertThat(job.await(WAIT)).isEqualTo("ok on attempt 3");
		List<StepExecutionEntity> attempts = history(job.id());
		assertThat(attempts).extracting(StepExecutionEntity::getAttempt).containsExactly(1, 2, 3);
		assertThat(attempts).extracting(StepExecutionEntity::getSequence).containsOnly(0);
		assertThat(attempts).extracting(StepExecutionEntity::getStatus)
			.containsExactly(StepStatus.FAILED, StepStatus.FAILED, StepStatus.COMPLETED);
		assertThat(attempts.get(0).getErrorMessage()).isEqualTo("attempt 1 fails");
		assertThat(attempts.get(1).getDueAt()).as("the retry waited for its due time")
			.isAfterOrEqualTo(attempts.get(0).getFinishedAt().plusMillis(30));
	}

	@Test
	void whenAStepFailsOnEveryAttemptThenTheJobFailsWithTheLastError() {
		JobHandle<Object> job = this.client.start("flaky", "never");

		assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> job.await(WAIT))
			.withMessageContaining("attempt 3 fails, as always");
		assertThat(history(job.id())).hasSize(3).extracting(StepExecutionEntity::getStatus).containsOnly(StepStatus.FAILED);
	}

	@Test
	void whenAStepThrowsTheNonRetryableMarkerThenTheJobFailsAtOnce() {
		JobHandle<Object> job = this.client.start("flaky", "fatal");

		assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> job.await(WAIT))
			.withMessageContaining("the card was declined");
		assertThat(history(job.id())).hasSize(1);
	}

	@Test
	void whenAStepThrowsAConfiguredNonRetryableExceptionThenTheJobFailsAtOnce() {
		JobHandle<Object> job = this.client.start("flaky", "illegal");

		assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> job.await(WAIT))
			.withMessageContaining("no such customer");
		assertThat(history(job.id())).hasSize(1);
	}

	@Test
	void whenAStepOverrunsItsTimeoutThenItIsInterruptedRecordedAsTimedOutAndRetried() {
		JobHandle<Object> job = this.client.start("hanging", "work");

		assertThat(job.await(WAIT)).isEqualTo("work on attempt 2");
		List<StepExecutionEntity> attempts = history(job.id());
		assertThat(attempts).extracting(StepExecutionEntity::getStatus)
			.containsExactly(StepStatus.TIMED_OUT, StepStatus.COMPLETED);
		assertThat(attempts.get(0).getErrorType()).isEqualTo(StepTimeoutException.class.getName());
		assertThat(attempts.get(0).getErrorMessage()).contains("ran longer than its timeout of PT0.5S");
		await().atMost(WAIT).until(() -> HangingWorkflow.INTERRUPTED.contains(job.id()));
	}

	@Test
	void whenAWorkerStopsRenewingItsLeaseThenTheStepIsDispatchedAgain() {
		UUID jobId = UUID.randomUUID();
		UUID executionId = UUID.randomUUID();
		// A worker named "ghost" claimed the step and vanished without a trace the broker could notice.
		this.jdbc.update("insert into wf_job (id, workflow_name, status, input, user_context, step_count, current_step, "
				+ "created_at, started_at) values (?, 'flaky', 'RUNNING', '\"ok\"', '{}', 1, 'flaky', now(), now())", jobId);
		this.jdbc.update("insert into wf_step_execution (id, job_id, sequence, step_name, attempt, status, input, "
				+ "created_at, started_at, worker_id, lease_expires_at) values (?, ?, 0, 'flaky', 1, 'RUNNING', "
				+ "'\"ok\"', now(), now(), 'ghost', now() + interval '1 second')", executionId, jobId);

		assertThat(this.client.handle(jobId, String.class).await(WAIT)).isEqualTo("ok on attempt 1");
		assertThat(history(jobId)).singleElement().satisfies((execution) -> {
			assertThat(execution.getId()).isEqualTo(executionId);
			assertThat(execution.getStatus()).isEqualTo(StepStatus.COMPLETED);
			assertThat(execution.getWorkerId()).isEqualTo("reliable-worker");
		});
	}

	@Test
	void whenAnOutboxRowIsLeftBehindThenTheRelayPublishesItAndTheJobRuns() {
		UUID jobId = UUID.randomUUID();
		UUID executionId = UUID.randomUUID();
		UUID outboxId = UUID.randomUUID();
		// A crash after commit and before publish leaves the job queued and its message in the outbox.
		this.jdbc.update("insert into wf_job (id, workflow_name, status, input, user_context, step_count, current_step, "
				+ "created_at) values (?, 'flaky', 'QUEUED', '\"ok\"', '{}', 1, 'flaky', now())", jobId);
		this.jdbc.update("insert into wf_step_execution (id, job_id, sequence, step_name, attempt, status, input, "
				+ "created_at) values (?, ?, 0, 'flaky', 1, 'QUEUED', '\"ok\"', now())", executionId, jobId);
		this.jdbc.update("insert into wf_outbox (id, exchange, routing_key, payload, created_at) values "
				+ "(?, 'wf-test-reliability', 'workflow.step', ?, now() - interval '1 minute')", outboxId,
				"{\"jobId\":\"" + jobId + "\",\"stepExecutionId\":\"" + executionId
						+ "\",\"workflow\":\"flaky\",\"step\":\"flaky\",\"attempt\":1,\"input\":\"ok\",\"userContext\":{}}");

		assertThat(this.client.handle(jobId, String.class).await(WAIT)).isEqualTo("ok on attempt 1");
		// The relay deletes the row once the broker has confirmed it, which may come after the job has run.
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.jdbc.queryForObject("select count(*) from wf_outbox where id = ?",
					Integer.class, outboxId)).isZero());
	}

	@Test
	void whenARunningJobIsCancelledThenTheRunningStepsResultIsDiscardedAndNoFurtherStepRuns() {
		JobHandle<Object> job = this.client.start("blocking", "x");
		await().atMost(WAIT).until(() -> job.status() == JobStatus.RUNNING);

		this.client.cancel(job.id());
		BlockingWorkflow.release(job.id());

		await().atMost(WAIT).until(() -> history(job.id()).get(0).getStatus() == StepStatus.CANCELLED);
		assertThat(job.status()).isEqualTo(JobStatus.CANCELLED);
		assertThat(history(job.id())).singleElement().satisfies((execution) -> assertThat(execution.getOutput()).isNull());
		assertThat(BlockingWorkflow.SECOND_STEP_RUNS).doesNotContainKey(job.id());
		assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> job.await(WAIT))
			.satisfies((ex) -> assertThat(ex.job().status()).isEqualTo(JobStatus.CANCELLED));
	}

	@Test
	void whenAFinishedJobIsCancelledThenTheClientSaysItHasEnded() {
		JobHandle<Object> job = this.client.start("flaky", "ok");
		job.await(WAIT);

		assertThatExceptionOfType(JobNotCancellableException.class).isThrownBy(() -> this.client.cancel(job.id()))
			.withMessageContaining("has already ended COMPLETED");
	}

	private List<StepExecutionEntity> history(UUID jobId) {
		return this.transactions.execute((status) -> this.steps.history(jobId, 0));
	}

}
