package dev.workflow.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import dev.workflow.api.JobNotCancellableException;
import dev.workflow.api.JobNotRetryableException;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowEvent;
import dev.workflow.test.RecordedEvents;
import dev.workflow.test.TestApplication;
import dev.workflow.test.TestDatabases;
import dev.workflow.test.workflows.BlockingWorkflow;
import dev.workflow.test.workflows.ChildBesideStepWorkflow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Cancelling jobs, on real servers and a database of its own: a cancel that meets the claim of the job's first step,
 * and children that end with their parent.
 */
@DirtiesContext
@SpringBootTest(classes = TestApplication.class,
		properties = { "workflow.broker.exchange=wf-test-cancellation",
				"workflow.broker.step-queue=wf-test-cancellation.steps",
				"workflow.broker.parking-queue=wf-test-cancellation.parked", "workflow.retry.max-attempts=1",
				"workflow.scheduler.poll-interval=100ms" })
@ExtendWith(OutputCaptureExtension.class)
class CancellationIntegrationTests {

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

	@Autowired
	DataSource dataSource;

	@Autowired
	RecordedEvents events;

	@Test
	void whenJobsAreCancelledAsTheirFirstStepIsClaimedThenNothingDeadlocksAndNoStepIsLeftPending(CapturedOutput output)
			throws Exception {
		int threads = 4;
		int jobsPerThread = 50;
		List<UUID> jobs = new CopyOnWriteArrayList<>();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> running = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				running.add(pool.submit(() -> {
					for (int i = 0; i < jobsPerThread; i++) {
						UUID job = this.client.start("five_steps", List.of()).id();
						jobs.add(job);
						try {
							this.client.cancel(job);
						}
						catch (JobNotCancellableException ex) {
							// It completed first: allowed.
						}
						catch (RuntimeException ex) {
							failures.add(ex);
						}
					}
				}));
			}
			for (Future<?> each : running) {
				each.get();
			}
		}
		finally {
			pool.shutdownNow();
		}

		assertThat(failures).as("cancels that failed").isEmpty();
		UUID[] ids = jobs.toArray(UUID[]::new);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.jdbc.queryForList(
					"select job_id || ' ' || step_name || ' ' || status from wf_step_execution "
							+ "where job_id = any(?) and status in ('SCHEDULED', 'QUEUED', 'RUNNING')",
					String.class, (Object) ids))
				.as("steps left pending")
				.isEmpty());
		assertThat(this.jdbc.queryForList("select status from wf_job where id = any(?)", String.class, (Object) ids))
			.hasSize(threads * jobsPerThread)
			.isSubsetOf("CANCELLED", "COMPLETED");
		assertThat(output.getOut()).as("the log").doesNotContain("deadlock detected");
	}

	@Test
	void whenAParentIsCancelledThenItsRunningChildIsCancelledWithItAndTheChildsBlockedStepIsDiscarded() {
		UUID parent = this.client.start("parent", List.of("blocking", "x")).id();
		UUID child = awaitChildRunning(parent);

		this.client.cancel(parent);

		assertThat(status(child)).isEqualTo("CANCELLED");
		assertThat(this.jdbc.queryForObject("select error_message from wf_job where id = ?", String.class, child))
			.isEqualTo("Cancelled with its parent job " + parent + " of workflow 'parent', which ended CANCELLED");
		assertThat(this.jdbc.queryForObject("select status from wf_step_execution where job_id = ?", String.class,
				parent))
			.as("the parent's entry that waited for the child")
			.isEqualTo("CANCELLED");
		BlockingWorkflow.release(child);
		await().atMost(WAIT).until(() -> "CANCELLED".equals(blockStatus(child)));
		assertThat(this.jdbc.queryForObject("select output from wf_step_execution where job_id = ?", String.class,
				child))
			.isNull();
		assertThat(BlockingWorkflow.SECOND_STEP_RUNS).doesNotContainKey(child);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.events.of(child))
				.filteredOn(WorkflowEvent.JobCancelled.class::isInstance)
				.hasSize(1));
		assertThat(this.events.of(parent)).filteredOn(WorkflowEvent.JobCancelled.class::isInstance).hasSize(1);
	}

	@Test
	void whenAParentFailsInAnotherBranchThenItsRunningChildIsCancelled() {
		String key = "beside-" + UUID.randomUUID();
		UUID parent = this.client.start("child_beside_step", key).id();
		UUID child = awaitChildRunning(parent);

		ChildBesideStepWorkflow.Breaker.let(key);

		await().atMost(WAIT).until(() -> "CANCELLED".equals(status(child)));
		assertThat(status(parent)).isEqualTo("FAILED");
		assertThat(this.jdbc.queryForObject("select error_message from wf_job where id = ?", String.class, parent))
			.isEqualTo("branch " + key + " broke");
		assertThat(this.jdbc.queryForObject("select error_message from wf_job where id = ?", String.class, child))
			.isEqualTo("Cancelled with its parent job " + parent + " of workflow 'child_beside_step', which ended "
					+ "FAILED");
		BlockingWorkflow.release(child);
		await().atMost(WAIT).until(() -> "CANCELLED".equals(blockStatus(child)));
		assertThat(BlockingWorkflow.SECOND_STEP_RUNS).doesNotContainKey(child);
		assertThatExceptionOfType(JobNotRetryableException.class).isThrownBy(() -> this.client.retry(parent))
			.withMessageContaining("is 'workflow.child', which ended CANCELLED, its child job cancelled with this one; "
					+ "start this one again");
	}

	@Test
	void whenAParentIsCancelledThenItsGrandchildIsCancelledToo() {
		UUID parent = this.client.start("parent", List.of("parent", List.of("blocking", "g"))).id();
		UUID child = await().atMost(WAIT).until(() -> childOf(parent), (found) -> found != null);
		UUID grandchild = awaitChildRunning(child);

		this.client.cancel(parent);

		assertThat(status(child)).isEqualTo("CANCELLED");
		assertThat(status(grandchild)).isEqualTo("CANCELLED");
		assertThat(this.jdbc.queryForObject("select error_message from wf_job where id = ?", String.class, grandchild))
			.isEqualTo("Cancelled with its parent job " + child + " of workflow 'parent', which ended CANCELLED");
		BlockingWorkflow.release(grandchild);
		await().atMost(WAIT).until(() -> "CANCELLED".equals(blockStatus(grandchild)));
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.events.of(grandchild))
				.filteredOn(WorkflowEvent.JobCancelled.class::isInstance)
				.hasSize(1));
	}

	@Test
	void whenAChildIsBusyAsItsParentIsCancelledThenBackgroundWorkCancelsItOnceItIsFree() throws Exception {
		UUID parent = this.client.start("parent", List.of("blocking", "busy")).id();
		UUID child = awaitChildRunning(parent);

		try (Connection busy = this.dataSource.getConnection()) {
			busy.setAutoCommit(false);
			try (PreparedStatement lock = busy.prepareStatement("select 1 from wf_job where id = ? for update")) {
				lock.setObject(1, child);
				lock.executeQuery().close();
			}
			this.client.cancel(parent);
			assertThat(status(parent)).isEqualTo("CANCELLED");
			assertThat(status(child)).as("the cancel does not wait for a row another transaction holds")
				.isEqualTo("RUNNING");
			busy.rollback();
		}

		await().atMost(WAIT).until(() -> "CANCELLED".equals(status(child)));
		assertThat(this.jdbc.queryForObject("select status from wf_step_execution where job_id = ?", String.class,
				parent))
			.isEqualTo("CANCELLED");
		BlockingWorkflow.release(child);
		await().atMost(WAIT).until(() -> "CANCELLED".equals(blockStatus(child)));
	}

	private UUID awaitChildRunning(UUID parent) {
		UUID child = await().atMost(WAIT).until(() -> childOf(parent), (found) -> found != null);
		await().atMost(WAIT).until(() -> "RUNNING".equals(blockStatus(child)));
		return child;
	}

	private UUID childOf(UUID parent) {
		List<UUID> children = this.jdbc.queryForList(
				"select id from wf_job where parent_entry_id in (select id from wf_step_execution where job_id = ?)",
				UUID.class, parent);
		return children.isEmpty() ? null : children.get(0);
	}

	private String status(UUID job) {
		return this.jdbc.queryForObject("select status from wf_job where id = ?", String.class, job);
	}

	private String blockStatus(UUID job) {
		List<String> found = this.jdbc.queryForList(
				"select status from wf_step_execution where job_id = ? and step_name = 'block'", String.class, job);
		return found.isEmpty() ? null : found.get(0);
	}

}
