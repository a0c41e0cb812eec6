package dev.workflow.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.workflow.api.JobHandle;
import dev.workflow.api.StartOptions;
import dev.workflow.api.UnknownWorkflowException;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowEvent;
import dev.workflow.api.WorkflowSerializationException;
import dev.workflow.test.RecordedEvents;
import dev.workflow.test.TestApplication;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link WorkflowClient#startAll}: many jobs in one transaction, all or none.
 */
@DirtiesContext
@SpringBootTest(classes = TestApplication.class,
		properties = { "workflow.broker.exchange=wf-test-batch", "workflow.broker.step-queue=wf-test-batch.steps",
				"workflow.broker.parking-queue=wf-test-batch.parked" })
class BatchStartIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	@Autowired
	WorkflowClient client;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	RecordedEvents events;

	@Autowired
	TransactionTemplate transactions;

	@Test
	void whenJobsAreStartedTogetherThenEachRunsWithItsOwnInputAndTheSharedOptions() {
		String tenant = UUID.randomUUID().toString();
		List<List<String>> inputs = new ArrayList<>();
		for (int i = 0; i < 200; i++) {
			inputs.add(List.of("job-" + i));
		}
		List<JobHandle<Object>> jobs = this.client.startAll("five_steps", inputs,
				StartOptions.defaults().userContext(Map.of("tenant", tenant)));

		assertThat(jobs).hasSize(200).allSatisfy((job) -> assertThat(job.created()).isTrue());
		for (int i = 0; i < jobs.size(); i++) {
			assertThat(jobs.get(i).await(WAIT)).isEqualTo(List.of("job-" + i, "s1", "s2", "s3", "s4", "s5"));
		}
		assertThat(this.jdbc.queryForObject("select count(*) from wf_job where user_context ->> 'tenant' = ?",
				Integer.class, tenant)).isEqualTo(200);
		assertThat(this.events.of(jobs.get(7).id())).first().isInstanceOf(WorkflowEvent.JobStarted.class);
	}

	@Test
	void whenTheFirstDecisionIsMoreThanStepsToRunThenTheJobsStartTheGeneralWay() {
		// A workflow method that first records the time: its start records a value, which plain SQL does not store.
		List<JobHandle<Object>> jobs = this.client.startAll("clocked", Arrays.asList(null, null));
		for (JobHandle<Object> job : jobs) {
			assertThat(this.client.handle(job.id(), String.class).await(WAIT)).isNotBlank();
		}
		assertThat(jobs.get(0).id()).isNotEqualTo(jobs.get(1).id());
	}

	@Test
	void whenAnyInputIsRefusedThenNoJobIsStarted() {
		String tenant = UUID.randomUUID().toString();
		StartOptions options = StartOptions.defaults().userContext(Map.of("tenant", tenant));
		assertThatExceptionOfType(WorkflowSerializationException.class)
			.isThrownBy(() -> this.client.startAll("five_steps", List.of(List.of("fine"), List.of("nul\0here")),
					options))
			.withMessageContaining("input 1 of workflow 'five_steps'");
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> this.client.startAll("five_steps", List.of(List.of("a")), options.idempotencyKey("k")))
			.withMessageContaining("An idempotency key names one job");
		assertThatExceptionOfType(UnknownWorkflowException.class)
			.isThrownBy(() -> this.client.startAll("no_such_workflow", List.of(1)));
		assertThat(this.jdbc.queryForObject("select count(*) from wf_job where user_context ->> 'tenant' = ?",
				Integer.class, tenant)).isZero();
		assertThat(this.client.startAll("five_steps", List.of())).isEmpty();
	}

	@Test
	void whenTheCallersTransactionRollsBackThenTheJobsNeverExisted() {
		String tenant = UUID.randomUUID().toString();
		this.transactions.executeWithoutResult((status) -> {
			this.client.startAll("five_steps", List.of(List.of("a"), List.of("b")),
					StartOptions.defaults().userContext(Map.of("tenant", tenant)));
			status.setRollbackOnly();
		});
		assertThat(this.jdbc.queryForObject("select count(*) from wf_job where user_context ->> 'tenant' = ?",
				Integer.class, tenant)).isZero();
	}

}
