package dev.workflow.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.workflow.api.JobStatus;
import dev.workflow.api.UnknownWorkflowException;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowSummary;
import dev.workflow.store.StepExecutions;
import dev.workflow.test.TwoInstances;
import dev.workflow.test.workflows.PausableWorkflow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Pausing a workflow on two instances that share the database and the queue: no step starts while it is paused,
 * running steps finish, new starts wait, and a resume lets every job finish.
 */
class PauseIntegrationTests {

	private static TwoInstances instances;

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	private static WorkflowClient client;

	private static JdbcTemplate jdbc;

	@BeforeAll
	static void startTwoInstances() {
		instances = TwoInstances.start("pause");
		first = instances.first();
		second = instances.second();
		client = first.getBean(WorkflowClient.class);
		jdbc = first.getBean(JdbcTemplate.class);
	}

	@AfterAll
	static void stopInstances() {
		if (instances != null) {
			instances.close();
		}
	}

	@Test
	void whenAWorkflowIsPausedThenNoStepStartsUntilItIsResumedAndThenEveryJobFinishes() {
		PausableWorkflow.gate = new CountDownLatch(1);
		List<UUID> jobs = new ArrayList<>();
		try {
			UUID inFlight = client.start("pausable", "hold").id();
			jobs.add(inFlight);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> client.get(inFlight).orElseThrow().status() == JobStatus.RUNNING);

			assertThat(client.pause("pausable")).isTrue();
			assertThat(client.pause("pausable")).isFalse();
			// Each instance reads the pause within workflow.scheduler.poll-interval, and then runs no step of the
			// workflow in-process: read it now rather than wait.
			first.getBean(WorkflowEngine.class).refreshPauses();
			second.getBean(WorkflowEngine.class).refreshPauses();
			for (int i = 0; i < 5; i++) {
				jobs.add(client.start("pausable", "new-" + i).id());
			}
			// The running step finishes; what it and the new starts dispatch waits.
			PausableWorkflow.gate.countDown();
			await().atMost(Duration.ofSeconds(30)).until(() -> held(jobs) == 6);
			await().during(Duration.ofSeconds(2))
				.atMost(Duration.ofSeconds(5))
				.until(() -> started(jobs) == 1 && held(jobs) == 6);
			assertThat(client.summaries()).filteredOn((summary) -> summary.name().equals("pausable"))
				.singleElement()
				.satisfies((summary) -> assertThat(summary.paused()).isTrue());
		}
		finally {
			PausableWorkflow.gate.countDown();
			assertThat(client.resume("pausable")).isTrue();
		}
		assertThat(client.resume("pausable")).isFalse();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> jobs.stream().allMatch((id) -> client.get(id).orElseThrow().status() == JobStatus.COMPLETED));
		assertThat(client.get(jobs.get(1)).orElseThrow().output()).isEqualTo("new-0");
		// Each step ran once: the held ones were dispatched again, not run twice.
		assertThat(jdbc.queryForObject("select count(*) from wf_step_execution where job_id = any(?)", Integer.class,
				(Object) jobs.toArray(UUID[]::new))).isEqualTo(18);
		assertThat(client.summaries()).filteredOn((summary) -> summary.name().equals("pausable"))
			.extracting(WorkflowSummary::pausedAt)
			.containsOnlyNulls();
	}

	@Test
	void whenAResumeMeetsAClaimThatHoldsAStepThenItWaitsForItAndReleasesThatStepToo() throws Exception {
		assertThat(client.pause("pausable")).isTrue();
		UUID job = client.start("pausable", "raced").id();
		await().atMost(Duration.ofSeconds(30)).until(() -> held(List.of(job)) == 1);
		UUID step = jdbc.queryForObject("select id from wf_step_execution where job_id = ?", UUID.class, job);
		// As the step's message is delivered again: queued, and a worker's claim under way in a transaction that has
		// not committed yet, which holds the step again.
		jdbc.update("update wf_step_execution set status = 'QUEUED', due_at = null where id = ?", step);
		TransactionTemplate transaction = new TransactionTemplate(first.getBean(PlatformTransactionManager.class));
		CompletableFuture<Boolean> resumed = new CompletableFuture<>();
		transaction.executeWithoutResult((status) -> {
			Instant now = Instant.now();
			StepExecutions.Claimed claimed = first.getBean(StepExecutions.class)
				.claim(new StepExecutions.ClaimRequest(step, 1, "pausable", "first", "racer", now,
						now.plusSeconds(30)));
			assertThat(claimed.outcome()).isEqualTo(StepExecutions.Claim.HELD);
			// A thread of its own: the common pool may have a single thread (two cores), busy elsewhere.
			new Thread(() -> resumed.complete(client.resume("pausable")), "resume-racing-a-claim").start();
			await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !resumed.isDone());
		});
		assertThat(resumed.get(10, TimeUnit.SECONDS)).isTrue();
		// The resume released the step the claim held once the claim had committed: the job goes on.
		await().atMost(Duration.ofSeconds(30))
			.until(() -> client.get(job).orElseThrow().status() == JobStatus.COMPLETED);
	}

	@Test
	void whenAnUnknownWorkflowIsPausedThenTheCallFails() {
		assertThatExceptionOfType(UnknownWorkflowException.class).isThrownBy(() -> client.pause("no_such_workflow"));
		assertThat(client.resume("no_such_workflow")).isFalse();
	}

	/** How many step executions of the jobs have started (running or ended). */
	private static int started(List<UUID> jobs) {
		return jdbc.queryForObject("select count(*) from wf_step_execution where job_id = any(?) and started_at is "
				+ "not null", Integer.class, (Object) jobs.toArray(UUID[]::new));
	}

	/** How many step executions of the jobs wait for the workflow to resume. */
	private static int held(List<UUID> jobs) {
		return jdbc.queryForObject("select count(*) from wf_step_execution where job_id = any(?) and status = "
				+ "'SCHEDULED' and due_at > now() + interval '1000 years'", Integer.class,
				(Object) jobs.toArray(UUID[]::new));
	}

}
