package dev.workflow.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.workflow.api.Job;
import dev.workflow.api.JobError;
import dev.workflow.api.JobStatus;
import dev.workflow.api.StartOptions;
import dev.workflow.api.StepExecution;
import dev.workflow.api.StepStatus;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowSerializationException;
import dev.workflow.test.TestApplication;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Values PostgreSQL cannot hold as they are (U+0000 in JSON or text, times past the range of a timestamp) end the
 * attempt at once with an error that names them, instead of reaching the database, failing there, and running the
 * step again every lease period.
 * <p>
 * The lease is short enough that the old behaviour shows within a test (the step ran again after each lapse), and
 * every wait for the job to fail is well under it: the job fails on its first attempt, not after a lapsed lease.
 */
@DirtiesContext
@SpringBootTest(classes = TestApplication.class,
		properties = { "workflow.broker.exchange=wf-test-unstorable",
				"workflow.broker.step-queue=wf-test-unstorable.steps",
				"workflow.broker.parking-queue=wf-test-unstorable.parked", "workflow.worker.lease-duration=8s",
				"workflow.scheduler.poll-interval=100ms" })
class UnstorableValuesIntegrationTests {

	/** Well under the lease: a job that fails only once its lease has lapsed does not fail within it. */
	private static final Duration UNDER_LEASE = Duration.ofSeconds(3);

	@Autowired
	WorkflowClient client;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void whenAStepReturnsTextWithANulCharacterThenTheJobFailsNamingTheStepAndWhereTheCharacterIs() {
		UUID jobId = this.client.start("value_pipeline", "nul-text").id();

		JobError error = awaitFailed(jobId);
		assertThat(error.type()).isEqualTo(WorkflowSerializationException.class.getName());
		assertThat(error.message()).contains("value returned by step 'produce' of workflow 'value_pipeline'")
			.contains("job " + jobId)
			.contains("contains the character U+0000 at $, which PostgreSQL cannot store");
		assertThat(this.client.history(jobId)).singleElement()
			.satisfies((step) -> assertThat(step.status()).isEqualTo(StepStatus.FAILED));
	}

	@Test
	void whenAStepReturnsAFieldNameWithANulCharacterThenTheJobFailsNamingItsPath() {
		UUID jobId = this.client.start("value_pipeline", "nul-field").id();

		assertThat(awaitFailed(jobId).message()).contains("step 'produce'")
			.contains("contains the character U+0000 at $.pages['count\\u0000']");
	}

	@Test
	void whenAWorkflowMethodReturnsTextWithANulCharacterThenTheJobFailsNamingTheWorkflow() {
		UUID jobId = this.client.start("value_orchestration", "nul-result").id();

		assertThat(awaitFailed(jobId).message()).contains("result of workflow 'value_orchestration'")
			.contains("contains the character U+0000 at $");
	}

	@Test
	void whenAJobIsStartedWithANulCharacterInItsValuesThenTheStartIsRefusedAndNothingIsStored() {
		String key = "nul-" + UUID.randomUUID();

		assertThatExceptionOfType(WorkflowSerializationException.class)
			.isThrownBy(() -> this.client.start("value_pipeline", "nul\u0000input", StartOptions.defaults()
				.idempotencyKey(key)))
			.withMessageContaining("input of workflow 'value_pipeline'")
			.withMessageContaining("contains the character U+0000 at $");
		assertThatExceptionOfType(WorkflowSerializationException.class)
			.isThrownBy(() -> this.client.start("value_pipeline", "ok",
					StartOptions.defaults().userContext(Map.of("customer", "acme\u0000")).idempotencyKey(key)))
			.withMessageContaining("user context of a job of workflow 'value_pipeline'")
			.withMessageContaining("at $.customer");
		assertThat(this.jdbc.queryForObject("select count(*) from wf_job where idempotency_key = ?", Integer.class,
				key))
			.isZero();
	}

	@Test
	void whenAnEventPayloadHasANulCharacterThenTheSenderGetsTheErrorAndTheJobStillWaits() {
		UUID jobId = this.client.start("value_orchestration", "event").id();
		await().atMost(Duration.ofSeconds(30)).until(() -> waitsForEvent(jobId));

		assertThatExceptionOfType(WorkflowSerializationException.class)
			.isThrownBy(() -> this.client.sendEvent(jobId, "payload", List.of("ok", "not\u0000ok")))
			.withMessageContaining("payload of event 'payload'")
			.withMessageContaining("at $[1]");
		this.client.sendEvent(jobId, "payload", "fine");
		assertThat(this.client.handle(jobId, String.class).await(Duration.ofSeconds(30))).isEqualTo("fine");
	}

	@Test
	void whenAStepThrowsWithANulCharacterInItsMessageThenTheErrorIsStoredWithTheCharacterReplaced() {
		UUID jobId = this.client.start("value_pipeline", "nul-error").id();

		JobError error = awaitFailed(jobId);
		assertThat(error.type()).isEqualTo(IllegalStateException.class.getName());
		assertThat(error.message()).isEqualTo("unreadable byte \uFFFD on page 2");
		assertThat(error.stackTrace()).contains("unreadable byte \uFFFD on page 2").doesNotContain("\u0000");
		// Both attempts (the first one retried, the second one failing the job) kept their error.
		assertThat(this.client.history(jobId)).extracting(StepExecution::status)
			.containsExactly(StepStatus.FAILED, StepStatus.FAILED);
		assertThat(this.client.history(jobId)).extracting((step) -> step.error().message())
			.containsOnly("unreadable byte \uFFFD on page 2");
	}

	@Test
	void whenAWorkflowSleepsPastTheLatestDueTimeThenTheJobFailsNamingTheSleep() {
		UUID jobId = this.client.start("value_orchestration", "sleep-past-latest").id();

		JobError error = awaitFailed(jobId);
		assertThat(error.type()).isEqualTo(IllegalArgumentException.class.getName());
		assertThat(error.message()).contains("Workflow 'value_orchestration' cannot sleep for PT175200000H")
			.contains("after 9999-12-31T23:59:59Z, the latest time the engine stores");
	}

	@Test
	void whenAWorkflowAwaitsAnEventWithATimeoutPastTheLatestDueTimeThenTheJobFailsNamingTheWait() {
		UUID jobId = this.client.start("value_orchestration", "await-past-latest").id();

		assertThat(awaitFailed(jobId).message())
			.contains("Workflow 'value_orchestration' cannot wait for event 'approval' for PT175200000H")
			.contains("the latest time the engine stores");
	}

	private JobError awaitFailed(UUID jobId) {
		await().atMost(UNDER_LEASE).until(() -> job(jobId).status() == JobStatus.FAILED);
		return job(jobId).error();
	}

	private Job job(UUID jobId) {
		return this.client.get(jobId).orElseThrow();
	}

	private boolean waitsForEvent(UUID jobId) {
		return this.jdbc.queryForObject("select count(*) from wf_step_execution where job_id = ? "
				+ "and step_name = 'workflow.event' and status = 'SCHEDULED'", Integer.class, jobId) == 1;
	}

}
