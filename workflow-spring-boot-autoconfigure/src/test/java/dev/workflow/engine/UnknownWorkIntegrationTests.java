package dev.workflow.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import dev.workflow.actuate.WorkflowHealthIndicator;
import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.api.Job;
import dev.workflow.api.JobStatus;
import dev.workflow.api.WorkflowClient;
import dev.workflow.autoconfigure.WorkflowHealthContributorAutoConfiguration;
import dev.workflow.autoconfigure.WorkflowObservabilityAutoConfiguration;
import dev.workflow.test.TestServers;
import dev.workflow.transport.WorkflowTopology;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;

import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two releases of one application share database and broker, as in a rolling deploy: work that an instance has no
 * code for goes back for one that has it, and fails only when no instance has taken it within
 * {@code workflow.worker.unknown-work-timeout}.
 */
class UnknownWorkIntegrationTests {

	private static final Log logger = LogFactory.getLog(UnknownWorkIntegrationTests.class);

	private static final int JOBS = 20;

	private static final Duration WAIT = Duration.ofMinutes(2);

	@Test
	void whenTwoReleasesShareTheQueueThenEveryJobOfTheNewWorkflowCompletesOnTheReleaseThatHasIt() {
		// The old release has more consumers than the new one, as early in a rolling deploy. A step handed back often
		// waits a second at most between two tries, so that the test's time does not depend on luck.
		release("rolling", "release-1", ReleaseOne.class).withPropertyValues("workflow.worker.concurrency=4",
				"workflow.worker.unknown-work-max-backoff=1s")
			.run((first) -> release("rolling", "release-2", ReleaseTwo.class).run((second) -> {
				WorkflowClient client = second.getBean(WorkflowClient.class);
				JdbcTemplate jdbc = new JdbcTemplate(second.getBean(DataSource.class));
				long handBacksBefore = UnknownWork.handedBack.get();
				long started = System.nanoTime();
				List<UUID> jobs = new ArrayList<>();
				for (int i = 0; i < JOBS; i++) {
					jobs.add(client.start("added", "job-" + i).id());
				}
				Object[] ids = jobs.toArray();
				String in = "(" + String.join(",", Collections.nCopies(JOBS, "?")) + ")";
				await().atMost(WAIT).until(() -> jdbc.queryForObject("select count(*) from wf_job where id in " + in
						+ " and status in ('COMPLETED', 'FAILED', 'ABORTED', 'CANCELLED')", Integer.class, ids) == JOBS);
				long handBacks = UnknownWork.handedBack.get() - handBacksBefore;
				logger.info("Jobs of 'added' with both releases consuming: " + JOBS + " ended in "
						+ Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms, with " + handBacks
						+ " hand-back(s); by status: " + jdbc.queryForList(
								"select status, count(*) as jobs from wf_job where id in " + in + " group by status",
								ids));
				List<Map<String, Object>> latencies = jdbc.queryForList("select (select count(*) from wf_step_execution"
						+ " s where s.job_id = j.id) as steps, extract(epoch from j.finished_at - j.created_at) * 1000 as "
						+ "millis from wf_job j where j.id in " + in + " order by 2", ids);
				logger.info("Start to end of each job, in ms: " + latencies.stream().map((row) -> row.get("millis")).toList());
				for (int i = 0; i < JOBS; i++) {
					Job ended = client.get(jobs.get(i)).orElseThrow();
					assertThat(ended.status()).as("job %s", ended.id()).isEqualTo(JobStatus.COMPLETED);
					assertThat(ended.output()).isEqualTo("job-" + i + "-1-2");
				}
				assertThat(jdbc.queryForList("select distinct worker_id from wf_step_execution where job_id in " + in,
						String.class, ids)).containsExactly("release-2");
				assertThat(jdbc.queryForObject("select count(*) from wf_step_execution where job_id in " + in
						+ " and (lease_lapses > 0 or hand_backs > 0 or unrunnable_since is not null or attempt > 1)",
						Integer.class, ids)).as("hand-backs count no lease lapse, and the claim clears them").isZero();
				RabbitTemplate rabbit = second.getBean(RabbitTemplate.class);
				assertThat(rabbit.receive(second.getBean(WorkflowTopology.class).parkingQueue()))
					.as("nothing was parked").isNull();
			}));
	}

	@Test
	void whenNoInstanceHasTheWorkflowThenItsJobWaitsShowsInHealthAndFailsAfterTheTimeoutWithAClearError() {
		// Release 2 only starts the job (its worker is off); release 1 consumes, and lacks the workflow.
		release("lonely", "release-2", ReleaseTwo.class).withPropertyValues("workflow.worker.enabled=false")
			.run((second) -> release("lonely", "release-1", ReleaseOne.class)
				.withConfiguration(AutoConfigurations.of(WorkflowObservabilityAutoConfiguration.class,
						WorkflowHealthContributorAutoConfiguration.class))
				.withPropertyValues("workflow.worker.unknown-work-timeout=10s", "workflow.backlog.refresh-interval=0s")
				.run((first) -> {
					WorkflowClient client = second.getBean(WorkflowClient.class);
					WorkflowHealthIndicator health = first.getBean(WorkflowHealthIndicator.class);
					UUID job = client.start("added", "alone").id();

					await().atMost(WAIT).until(() -> health.health().getDetails().containsKey("unrunnableWork"));
					Health waiting = health.health();
					assertThat(waiting.getStatus()).isEqualTo(Status.UP);
					@SuppressWarnings("unchecked")
					List<Map<String, Object>> unrunnable = (List<Map<String, Object>>) waiting.getDetails()
						.get("unrunnableWork");
					assertThat(unrunnable).singleElement().satisfies((group) -> {
						assertThat(group).containsEntry("workflow", "added")
							.containsEntry("step", "first")
							.containsEntry("steps", 1L)
							.containsEntry("jobs", 1L)
							.containsKey("oldestWait");
					});
					assertThat(client.get(job).orElseThrow().status()).isIn(JobStatus.QUEUED, JobStatus.RUNNING);

					await().atMost(WAIT).until(() -> client.get(job).orElseThrow().status() == JobStatus.FAILED);
					Job failed = client.get(job).orElseThrow();
					assertThat(failed.error().message()).contains("step 'first'")
						.contains("workflow named 'added'")
						.contains("workflow.worker.unknown-work-timeout (PT10S)")
						.contains("Deploy a release that has it, or cancel the job.");
					assertThat(failed.currentStep()).isEqualTo("first");
					await().atMost(WAIT)
						.until(() -> !health.health().getDetails().containsKey("unrunnableWork"));
				}));
	}

	static ApplicationContextRunner release(String queues, String workerId, Class<?> configuration) {
		return TestServers.runner("unknown-" + queues)
			.withUserConfiguration(configuration)
			.withPropertyValues("workflow.worker.id=" + workerId, "workflow.worker.concurrency=1");
	}

	@Configuration(proxyBeanMethods = false)
	static class ReleaseOne {

		@Bean
		KeptWorkflow keptWorkflow() {
			return new KeptWorkflow();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class ReleaseTwo {

		@Bean
		KeptWorkflow keptWorkflow() {
			return new KeptWorkflow();
		}

		@Bean
		AddedWorkflow addedWorkflow() {
			return new AddedWorkflow();
		}

	}

	@Workflow(name = "kept")
	static class KeptWorkflow {

		@Step(order = 1)
		String only(String input) {
			return input + "-kept";
		}

	}

	@Workflow(name = "added")
	static class AddedWorkflow {

		@Step(order = 1)
		String first(String input) {
			return input + "-1";
		}

		@Step(order = 2)
		String second(String input) {
			return input + "-2";
		}

	}

}
