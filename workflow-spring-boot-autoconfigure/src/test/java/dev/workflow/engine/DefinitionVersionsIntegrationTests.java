package dev.workflow.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.api.JobHandle;
import dev.workflow.api.JobStatus;
import dev.workflow.api.WorkflowClient;
import dev.workflow.test.TestDatabases;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pipeline job never goes back to an older definition: an instance of release 1 hands back the steps of a job that
 * started under release 2's definition (which adds a step), instead of running it through its own, shorter one.
 */
class DefinitionVersionsIntegrationTests {

	@Test
	void whenAJobStartedUnderANewerDefinitionReachesAnOlderInstanceThenItIsHandedBackAndRunsTheNewSteps() {
		String database = TestDatabases.createEmptyDatabase();
		try (ConfigurableApplicationContext older = instance(ReleaseOne.class, "defs-r1", database, true);
				ConfigurableApplicationContext starter = instance(ReleaseTwo.class, "defs-r2-starter", database, false)) {
			JdbcTemplate jdbc = older.getBean(JdbcTemplate.class);
			JobHandle<Object> job = starter.getBean(WorkflowClient.class).start("defs_orders", List.of("order"));

			await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("select coalesce(max(hand_backs), 0) "
					+ "from wf_step_execution where job_id = ? and step_name = 'validate'", Integer.class, job.id()) > 0);
			assertThat(jdbc.queryForObject("select count(*) from wf_step_execution where job_id = ? "
					+ "and status = 'COMPLETED'", Integer.class, job.id())).as("nothing ran on release 1").isZero();
			assertThat(starter.getBean(WorkflowClient.class).get(job.id()).orElseThrow().status())
				.isNotEqualTo(JobStatus.FAILED);

			try (ConfigurableApplicationContext newer = instance(ReleaseTwo.class, "defs-r2", database, true)) {
				assertThat(job.await(Duration.ofSeconds(60))).isEqualTo(List.of("order", "validate", "reserve", "charge"));
			}
		}
	}

	private static ConfigurableApplicationContext instance(Class<?> release, String id, String database,
			boolean worker) {
		return new SpringApplicationBuilder(release).run("--spring.datasource.url=" + database,
				"--workflow.worker.id=" + id, "--workflow.worker.enabled=" + worker,
				"--workflow.worker.unknown-work-max-backoff=1s", "--workflow.scheduler.poll-interval=100ms",
				"--workflow.broker.exchange=wf-test-defs", "--workflow.broker.step-queue=wf-test-defs.steps",
				"--workflow.broker.parking-queue=wf-test-defs.parked");
	}

	private static List<String> add(List<String> trail, String step) {
		List<String> next = new ArrayList<>(trail);
		next.add(step);
		return next;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(OrdersOne.class)
	static class ReleaseOne {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(OrdersTwo.class)
	static class ReleaseTwo {

	}

	@Workflow(name = "defs_orders")
	static class OrdersOne {

		@Step(order = 1)
		public List<String> validate(List<String> trail) {
			return add(trail, "validate");
		}

		@Step(order = 2)
		public List<String> charge(List<String> trail) {
			return add(trail, "charge");
		}

	}

	/** Release 2 reserves stock before it charges. */
	@Workflow(name = "defs_orders")
	static class OrdersTwo {

		@Step(order = 1)
		public List<String> validate(List<String> trail) {
			return add(trail, "validate");
		}

		@Step(order = 2)
		public List<String> reserve(List<String> trail) {
			return add(trail, "reserve");
		}

		@Step(order = 3)
		public List<String> charge(List<String> trail) {
			return add(trail, "charge");
		}

	}

}
