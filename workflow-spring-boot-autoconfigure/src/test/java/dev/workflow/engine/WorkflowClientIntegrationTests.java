package dev.workflow.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.workflow.api.Job;
import dev.workflow.api.JobHandle;
import dev.workflow.api.JobNotFoundException;
import dev.workflow.api.JobQuery;
import dev.workflow.api.JobStatus;
import dev.workflow.api.JobTimeoutException;
import dev.workflow.api.StartOptions;
import dev.workflow.api.UnknownWorkflowException;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowSerializationException;
import dev.workflow.test.TestApplication;
import dev.workflow.test.workflows.FlowContext;
import dev.workflow.test.workflows.OrderContext;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The client on an instance that runs no steps: jobs stay QUEUED, which is what these tests look at.
 */
@DirtiesContext
@SpringBootTest(classes = TestApplication.class,
		properties = { "workflow.worker.enabled=false", "workflow.broker.exchange=wf-test-client",
				"workflow.broker.step-queue=wf-test-client.steps", "workflow.broker.parking-queue=wf-test-client.parked" })
class WorkflowClientIntegrationTests {

	@Autowired
	WorkflowClient client;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void whenAJobIsStartedThenItIsQueuedWithItsFirstStepAndItsMessageIsPublished() {
		JobHandle<Object> job = this.client.start("flow", "a",
				StartOptions.defaults().userContext(Map.of("user", "u1")));

		Job queued = job.job();
		assertThat(queued.status()).isEqualTo(JobStatus.QUEUED);
		assertThat(queued.workflow()).isEqualTo("flow");
		assertThat(queued.currentStep()).isEqualTo("decide");
		assertThat(queued.percentComplete()).isZero();
		assertThat(queued.userContext()).isEqualTo(Map.of("user", "u1"));
		assertThat(this.jdbc.queryForObject("select count(*) from wf_step_execution where job_id = ? and status = 'QUEUED'",
				Integer.class, job.id()))
			.isEqualTo(1);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.jdbc.queryForObject("select count(*) from wf_outbox where payload like ?",
					Integer.class, "%" + job.id() + "%"))
				.as("confirmed messages leave the outbox")
				.isZero());
	}

	@Test
	void whenTheWorkflowIsUnknownThenStartFailsNamingTheKnownOnesAndStoresNothing() {
		int before = jobCount();

		assertThatExceptionOfType(UnknownWorkflowException.class)
			.isThrownBy(() -> this.client.start("no_such_workflow", 1))
			.withMessageContaining("No workflow named 'no_such_workflow'")
			.withMessageContaining("my_first_workflow");
		assertThat(jobCount()).isEqualTo(before);
	}

	@Test
	void whenTheInputCannotBeSerialisedThenStartFailsAndStoresNothing() {
		int before = jobCount();

		assertThatExceptionOfType(WorkflowSerializationException.class)
			.isThrownBy(() -> this.client.start("flow", new SelfReferencing()))
			.withMessageContaining("input of workflow 'flow' (" + SelfReferencing.class.getName()
					+ ") cannot be written as JSON");
		assertThat(jobCount()).isEqualTo(before);
	}

	@Test
	void whenTheUserContextIsNotAnObjectThenStartFailsAndStoresNothing() {
		int before = jobCount();

		assertThatExceptionOfType(WorkflowSerializationException.class)
			.isThrownBy(() -> this.client.start("flow", "a", StartOptions.defaults().userContext(List.of(1, 2))))
			.withMessageContaining("must write as a JSON object");
		assertThat(jobCount()).isEqualTo(before);
	}

	@Test
	void whenTheStepContextIsOfAnotherTypeThenStartFailsAndStoresNothing() {
		int before = jobCount();

		assertThatExceptionOfType(WorkflowSerializationException.class)
			.isThrownBy(() -> this.client.start("flow", "a",
					StartOptions.defaults().stepContext(new OrderContext("w", "u", "o"))))
			.withMessageContaining("but workflow 'flow' takes a " + FlowContext.class.getName());
		assertThat(jobCount()).isEqualTo(before);
	}

	@Test
	void whenTheSameIdempotencyKeyIsUsedTwiceThenTheSecondStartReturnsTheFirstJob() {
		String key = "order-" + UUID.randomUUID();
		JobHandle<Object> first = this.client.start("flow", "a", StartOptions.defaults().idempotencyKey(key));
		JobHandle<Object> second = this.client.start("flow", "b", StartOptions.defaults().idempotencyKey(key));

		assertThat(second.id()).isEqualTo(first.id());
		assertThat(this.jdbc.queryForObject("select count(*) from wf_job where idempotency_key = ?", Integer.class, key))
			.isEqualTo(1);
	}

	@Test
	void whenJobsAreSearchedByWorkflowStatusAndUserContextThenOnlyMatchingJobsAreFound() {
		String tenant = "tenant-" + UUID.randomUUID();
		UUID mine = this.client.start("flow", "a", StartOptions.defaults().userContext(Map.of("tenant", tenant, "n", 1)))
			.id();
		UUID other = this.client
			.start("transactional", "a", StartOptions.defaults().userContext(Map.of("tenant", tenant)))
			.id();
		this.client.start("flow", "a", StartOptions.defaults().userContext(Map.of("tenant", "someone-else")));

		assertThat(this.client.find(JobQuery.all().userContext("tenant", tenant))).extracting(Job::id)
			.containsExactlyInAnyOrder(mine, other);
		assertThat(this.client.find(JobQuery.all().workflow("flow").status(JobStatus.QUEUED).userContext("tenant", tenant)))
			.extracting(Job::id)
			.containsExactly(mine);
		assertThat(this.client.find(JobQuery.all().workflow("flow").status(JobStatus.COMPLETED).userContext("tenant", tenant)))
			.isEmpty();
		assertThat(this.client.find(JobQuery.all().userContextContains(Map.of("tenant", tenant, "n", 1))))
			.extracting(Job::id)
			.containsExactly(mine);
	}

	@Test
	void whenAJobDoesNotEndInTimeThenAwaitSaysWhereItIs() {
		JobHandle<Object> job = this.client.start("flow", "a");

		assertThatExceptionOfType(JobTimeoutException.class).isThrownBy(() -> job.await(Duration.ofMillis(50)))
			.withMessageContaining("did not end within PT0.05S; it is QUEUED at step 'decide'");
	}

	@Test
	void whenAJobIsLookedUpByIdThenItIsFoundOrNot() {
		UUID id = this.client.start("flow", "a").id();

		assertThat(this.client.get(id)).get().extracting(Job::id).isEqualTo(id);
		assertThat(this.client.get(UUID.randomUUID())).isEmpty();
		assertThatExceptionOfType(JobNotFoundException.class)
			.isThrownBy(() -> this.client.handle(UUID.randomUUID(), String.class));
	}

	static class SelfReferencing {

		public SelfReferencing getSelf() {
			return this;
		}

	}

	private int jobCount() {
		return this.jdbc.queryForObject("select count(*) from wf_job", Integer.class);
	}

}
