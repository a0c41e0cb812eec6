package dev.workflow.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import dev.workflow.actuate.WorkflowHealthIndicator;
import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.JobStatus;
import dev.workflow.api.StepExecution;
import dev.workflow.api.StepStatus;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.Workflows;
import dev.workflow.autoconfigure.WorkflowHealthContributorAutoConfiguration;
import dev.workflow.autoconfigure.WorkflowObservabilityAutoConfiguration;
import dev.workflow.test.TestServers;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Worker pools across instances (issue 14, acceptance 2): instances that share the broker's exchange and queues but
 * serve different pools each run only the steps of their pools, and work of a pool that no instance serves waits in
 * its queue until one that serves it starts.
 */
class WorkerPoolsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final String A = "pool-a-worker";

	private static final String B = "pool-b-worker";

	private static final String C = "pool-c-worker";

	private final ApplicationContextRunner runner = TestServers.runner("pools")
		.withConfiguration(AutoConfigurations.of(WorkflowObservabilityAutoConfiguration.class,
				WorkflowHealthContributorAutoConfiguration.class))
		.withUserConfiguration(PoolWorkflows.class)
		.withPropertyValues("workflow.scheduler.poll-interval=100ms", "workflow.backlog.refresh-interval=0s");

	@Test
	void whenInstancesServeDifferentPoolsThenEachStepRunsInItsPoolAndWorkOfAnUnservedPoolWaitsForAnInstanceOfIt() {
		this.runner.withPropertyValues("workflow.worker.pools=a,default", "workflow.worker.id=" + A).run((a) -> {
			assertThat(a).hasNotFailed();
			this.runner.withPropertyValues("workflow.worker.pools=b", "workflow.worker.id=" + B).run((b) -> {
				assertThat(b).hasNotFailed();
				WorkflowClient client = a.getBean(WorkflowClient.class);

				// A workflow method in pool a: its timer runs in a, a step of pool b in b, a step with no pool in a.
				UUID called = client.start("pooled_calls", 5).id();
				assertThat(client.handle(called, Integer.class).await(WAIT)).isEqualTo(5 + 100 + 10);
				assertThat(workers(client, called)).containsExactly(Map.entry("workflow.sleep", A),
						Map.entry("onB", B), Map.entry("inCallersPool", A));

				// A pipeline in pool a, with steps in b, in the default pool, and in c, which nobody serves yet.
				UUID job = client.start("pooled_pipeline", 1).id();
				JdbcTemplate jdbc = new JdbcTemplate(a.getBean(DataSource.class));
				await().atMost(WAIT).until(() -> "QUEUED".equals(status(jdbc, job, "onC")));
				assertThat(workers(client, job)).containsExactly(Map.entry("inWorkflowPool", A), Map.entry("onB", B),
						Map.entry("inDefaultPool", A), Map.entry("onC", ""));
				assertThat(jdbc.queryForList("select coalesce(pool, 'null') from wf_step_execution where job_id = ? "
						+ "order by sequence", String.class, job)).containsExactly("a", "b", "null", "c");
				await().atMost(WAIT).untilAsserted(() -> {
					Health health = health(a);
					assertThat(health.getStatus()).as("not this instance's fault").isEqualTo(Status.UP);
					assertThat(health.getDetails()).containsEntry("waitingPools", List.of("c"));
					assertThat(pool(health, "c")).containsEntry("queue", "wf-test-pools.steps.c")
						.containsEntry("serves", false)
						.containsEntry("queued", 1L)
						.containsEntry("consumers", 0)
						.containsEntry("ready", 1L)
						.containsKey("waiting");
					assertThat(pool(health, "a")).containsEntry("serves", true).doesNotContainKey("waiting");
					assertThat(pool(health, "default")).containsEntry("queue", "wf-test-pools.steps");
				});
				assertThat(client.get(job).orElseThrow().status()).isEqualTo(JobStatus.RUNNING);

				this.runner.withPropertyValues("workflow.worker.pools=c", "workflow.worker.id=" + C).run((c) -> {
					assertThat(c).hasNotFailed();
					assertThat(client.handle(job, Integer.class).await(WAIT)).isEqualTo(((1 + 1) * 2 + 3) * 10);
					assertThat(workers(client, job)).containsEntry("onC", C);
					await().atMost(WAIT)
						.untilAsserted(() -> assertThat(health(a).getDetails()).doesNotContainKey("waitingPools"));
				});
			});
		});
	}

	/**
	 * The worker of the latest attempt of each entry of a job's history, in sequence ({@code ""} for none yet).
	 */
	private static Map<String, String> workers(WorkflowClient client, UUID job) {
		Map<String, String> workers = new java.util.LinkedHashMap<>();
		for (StepExecution entry : client.history(job)) {
			workers.put(entry.step(),
					(entry.status() == StepStatus.COMPLETED && entry.workerId() != null) ? entry.workerId() : "");
		}
		return workers;
	}

	private static String status(JdbcTemplate jdbc, UUID job, String step) {
		List<String> found = jdbc.queryForList(
				"select status from wf_step_execution where job_id = ? and step_name = ? order by attempt desc",
				String.class, job, step);
		return found.isEmpty() ? "" : found.get(0);
	}

	private static Health health(AssertableApplicationContext context) {
		return context.getBean(WorkflowHealthIndicator.class).health();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> pool(Health health, String pool) {
		return ((Map<String, Map<String, Object>>) health.getDetails().get("pools")).get(pool);
	}

	@Configuration(proxyBeanMethods = false)
	static class PoolWorkflows {

		@Bean
		PooledPipeline pooledPipeline() {
			return new PooledPipeline();
		}

		@Bean
		PooledSteps pooledSteps() {
			return new PooledSteps();
		}

		@Bean
		PooledCalls pooledCalls(PooledSteps steps) {
			return new PooledCalls(steps);
		}

	}

	@Workflow(name = "pooled_pipeline", pool = "a")
	static class PooledPipeline {

		@Step(order = 1)
		int inWorkflowPool(int input) {
			return input + 1;
		}

		@Step(order = 2, pool = "b")
		int onB(int input) {
			return input * 2;
		}

		@Step(order = 3, pool = "default")
		int inDefaultPool(int input) {
			return input + 3;
		}

		@Step(order = 4, pool = "c")
		int onC(int input) {
			return input * 10;
		}

	}

	static class PooledSteps {

		@Step(pool = "b")
		public int onB(int input) {
			return input + 100;
		}

		@Step
		public int inCallersPool(int input) {
			return input + 10;
		}

	}

	@Workflow(name = "pooled_calls", pool = "a")
	static class PooledCalls {

		private final PooledSteps steps;

		PooledCalls(PooledSteps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public int run(int input) {
			Workflows.sleep(Duration.ofMillis(50));
			return this.steps.inCallersPool(this.steps.onB(input));
		}

	}

}
