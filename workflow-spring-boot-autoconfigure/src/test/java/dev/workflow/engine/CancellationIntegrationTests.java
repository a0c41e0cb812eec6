package dev.workflow.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.workflow.api.JobNotCancellableException;
import dev.workflow.api.WorkflowClient;
import dev.workflow.test.TestApplication;
import dev.workflow.test.TestDatabases;
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
import static org.awaitility.Awaitility.await;

/**
 * Cancelling jobs, on real servers and a database of its own: a cancel that meets the claim of the job's first step.
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

}
