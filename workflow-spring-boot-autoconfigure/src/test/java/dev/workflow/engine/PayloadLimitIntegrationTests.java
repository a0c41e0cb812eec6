package dev.workflow.engine;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import dev.workflow.api.Job;
import dev.workflow.api.JobStatus;
import dev.workflow.api.StartOptions;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowPayloadTooLargeException;
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
 * Values and step messages over {@code workflow.max-payload-size} are refused where they enter, with an error that
 * names them, the size and the limit, before the broker would refuse them.
 */
@DirtiesContext
@SpringBootTest(classes = TestApplication.class,
		properties = { "workflow.broker.exchange=wf-test-payload", "workflow.broker.step-queue=wf-test-payload.steps",
				"workflow.broker.parking-queue=wf-test-payload.parked", "workflow.max-payload-size=64KB" })
class PayloadLimitIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	/** A JSON string over the limit of 64 KiB (65,536 bytes). */
	private static final String LARGE = "x".repeat(70_000);

	@Autowired
	WorkflowClient client;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void whenAJobStartsWithAnInputOverTheLimitThenTheCallerGetsTheExceptionAndNoJobExists() {
		String key = "large-" + UUID.randomUUID();

		assertThatExceptionOfType(WorkflowPayloadTooLargeException.class)
			.isThrownBy(() -> this.client.start("value_pipeline", LARGE, StartOptions.defaults().idempotencyKey(key)))
			.withMessageContaining("input of workflow 'value_pipeline'")
			.withMessageContaining("70,002 bytes")
			.withMessageContaining("workflow.max-payload-size (65,536 bytes)")
			.satisfies((ex) -> {
				assertThat(ex.size()).isEqualTo(70_002);
				assertThat(ex.limit()).isEqualTo(65_536);
			});
		assertThat(jobsWithKey(key)).isZero();
	}

	@Test
	void whenAStepMessageWouldBeOverTheLimitThenTheStartIsRefusedThoughEachValueFits() {
		String key = "large-message-" + UUID.randomUUID();
		String half = "x".repeat(40_000);

		assertThatExceptionOfType(WorkflowPayloadTooLargeException.class)
			.isThrownBy(() -> this.client.start("value_pipeline", half,
					StartOptions.defaults().userContext(Map.of("notes", half)).idempotencyKey(key)))
			.withMessageContaining("message of step 'produce' (attempt 1) of job ")
			.withMessageContaining("of workflow 'value_pipeline'")
			.withMessageContaining("workflow.max-payload-size (65,536 bytes)");
		assertThat(jobsWithKey(key)).isZero();
	}

	@Test
	void whenAStepReturnsAValueOverTheLimitThenTheJobFailsNamingTheStep() {
		UUID jobId = this.client.start("value_pipeline", "large:70000").id();

		await().atMost(WAIT).until(() -> job(jobId).status().isFinal());
		Job job = job(jobId);
		assertThat(job.status()).isEqualTo(JobStatus.FAILED);
		assertThat(job.currentStep()).isEqualTo("produce");
		assertThat(job.error().type()).isEqualTo(WorkflowPayloadTooLargeException.class.getName());
		assertThat(job.error().message()).contains("value returned by step 'produce' of workflow 'value_pipeline'")
			.contains("job " + jobId)
			.contains("70,002 bytes");
	}

	@Test
	void whenAnEventPayloadIsOverTheLimitThenTheSenderGetsTheExceptionAndTheJobStillWaits() {
		UUID jobId = this.client.start("value_orchestration", "event").id();
		await().atMost(WAIT)
			.until(() -> this.jdbc.queryForObject("select count(*) from wf_step_execution where job_id = ? "
					+ "and step_name = 'workflow.event' and status = 'SCHEDULED'", Integer.class, jobId) == 1);

		assertThatExceptionOfType(WorkflowPayloadTooLargeException.class)
			.isThrownBy(() -> this.client.sendEvent(jobId, "payload", LARGE))
			.withMessageContaining("payload of event 'payload' sent to job " + jobId)
			.withMessageContaining("70,002 bytes");
		this.client.sendEvent(jobId, "payload", "small");
		assertThat(this.client.handle(jobId, String.class).await(WAIT)).isEqualTo("small");
	}

	private int jobsWithKey(String key) {
		return this.jdbc.queryForObject("select count(*) from wf_job where idempotency_key = ?", Integer.class, key);
	}

	private Job job(UUID jobId) {
		return this.client.get(jobId).orElseThrow();
	}

}
