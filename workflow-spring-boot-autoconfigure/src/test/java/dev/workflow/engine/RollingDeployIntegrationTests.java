package dev.workflow.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.Workflows;
import dev.workflow.test.TestDatabases;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
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
 * A rolling deploy: two instances of release 1 and two of release 2 share one database and one broker while jobs
 * run, and the release-1 instances stop one after the other. Release 2 adds a workflow, adds a pipeline step, renames
 * a pipeline step (with an alias) and changes a workflow method behind {@link Workflows#patched}.
 */
class RollingDeployIntegrationTests {

	private static final Log logger = LogFactory.getLog(RollingDeployIntegrationTests.class);

	private static final int JOBS_PER_WAVE = 12;

	@Test
	void whenReleaseOneInstancesAreReplacedByReleaseTwoWhileJobsRunThenEveryJobCompletesAndNoStepCompletesTwice() {
		String database = TestDatabases.createEmptyDatabase();
		List<UUID> jobs = new ArrayList<>();
		List<UUID> releaseTwoOrders = new ArrayList<>();
		long handedBackBefore = UnknownWork.handedBack.get();
		long started = System.nanoTime();
		ConfigurableApplicationContext r1a = instance(ReleaseOne.class, "r1-a", database);
		ConfigurableApplicationContext r1b = instance(ReleaseOne.class, "r1-b", database);
		ConfigurableApplicationContext r2a = null;
		ConfigurableApplicationContext r2b = null;
		try {
			startWave(r1a.getBean(WorkflowClient.class), jobs, null);

			r2a = instance(ReleaseTwo.class, "r2-a", database);
			JdbcTemplate jdbc = r2a.getBean(JdbcTemplate.class);
			startWave(r2a.getBean(WorkflowClient.class), jobs, releaseTwoOrders);
			startWave(r1b.getBean(WorkflowClient.class), jobs, null);

			// The first release-1 instance goes once work has crossed over to release 2, the second soon after.
			await().atMost(Duration.ofSeconds(60)).until(() -> completedSteps(jdbc, "r2-a") >= 10);
			r1a.close();
			r2b = instance(ReleaseTwo.class, "r2-b", database);
			startWave(r2b.getBean(WorkflowClient.class), jobs, releaseTwoOrders);
			startWave(r1b.getBean(WorkflowClient.class), jobs, null);
			await().atMost(Duration.ofSeconds(60)).until(() -> completedSteps(jdbc, "r2-b") >= 10);
			r1b.close();
			startWave(r2b.getBean(WorkflowClient.class), jobs, releaseTwoOrders);

			JdbcTemplate survivor = jdbc;
			await().atMost(Duration.ofMinutes(3))
				.pollInterval(Duration.ofMillis(250))
				.until(() -> survivor.queryForObject("select count(*) from wf_job where status in "
						+ "('COMPLETED', 'FAILED', 'ABORTED', 'CANCELLED')", Integer.class) == jobs.size());

			// What the overlap cost, for the log (not asserted: performance is the benchmark's to measure).
			logger.info("Rolling deploy: " + survivor.queryForMap("select count(distinct job_id) as jobs, count(*) as "
					+ "step_executions from wf_step_execution") + ", " + (UnknownWork.handedBack.get() - handedBackBefore)
					+ " hand-backs, " + (System.nanoTime() - started) / 1_000_000 + " ms from the first start to the last end");
			Map<String, Object> outcome = survivor.queryForMap("select count(*) as jobs, "
					+ "count(*) filter (where status = 'COMPLETED') as completed, "
					+ "string_agg(distinct status || ': ' || coalesce(error_message, ''), '; ') "
					+ "filter (where status <> 'COMPLETED') as others from wf_job");
			assertThat(outcome).containsEntry("jobs", (long) jobs.size())
				.containsEntry("completed", (long) jobs.size())
				.containsEntry("others", null);
			assertThat(survivor.queryForList("select job_id, sequence from wf_step_execution where status = 'COMPLETED' "
					+ "group by job_id, sequence having count(*) > 1"))
				.as("history entries completed twice")
				.isEmpty();
			assertThat(survivor.queryForList("select e.job_id, e.step_name from wf_step_execution e "
					+ "join wf_job j on j.id = e.job_id where j.workflow_name in ('rolling_orders', 'rolling_invoices') "
					+ "and e.status = 'COMPLETED' group by e.job_id, e.step_name having count(*) > 1"))
				.as("pipeline steps completed twice in a job")
				.isEmpty();

			// The releases really overlapped: jobs ran steps on both, and took both sides of the patch.
			assertThat(survivor.queryForObject("select count(*) from (select job_id from wf_step_execution "
					+ "where worker_id is not null group by job_id having bool_or(worker_id like 'r1-%') "
					+ "and bool_or(worker_id like 'r2-%')) crossed", Integer.class))
				.as("jobs that ran steps on both releases")
				.isPositive();
			assertThat(survivor.queryForObject("select count(distinct job_id) from wf_step_execution "
					+ "where step_name = 'rolling_audit' and status = 'COMPLETED'", Integer.class))
				.as("greetings on the patched path")
				.isPositive();
			assertThat(survivor.queryForObject("select count(*) from wf_job j where workflow_name = 'rolling_greeting' "
					+ "and not exists (select 1 from wf_step_execution e where e.job_id = j.id "
					+ "and e.step_name = 'rolling_audit')", Integer.class))
				.as("greetings on the old path")
				.isPositive();
			List<String> outputs = survivor.queryForList(
					"select output::text from wf_job where workflow_name = 'rolling_orders'", String.class);
			assertThat(outputs).allSatisfy((output) -> assertThat(output).startsWith("[\"order-")
				.contains("\"validate\"", "\"charge\"")
				.endsWith("\"shipped\"]"));
			// A job started under release 2's definition never goes back to release 1's: it reserves stock.
			assertThat(releaseTwoOrders).allSatisfy((order) -> assertThat(survivor.queryForObject(
					"select output::text from wf_job where id = ?", String.class, order)).contains("\"reserve\""));
		}
		finally {
			Stream.of(r1a, r1b, r2a, r2b).filter((context) -> context != null).forEach(ConfigurableApplicationContext::close);
		}
	}

	private static int completedSteps(JdbcTemplate jdbc, String worker) {
		return jdbc.queryForObject("select count(*) from wf_step_execution where worker_id = ? and status = 'COMPLETED'",
				Integer.class, worker);
	}

	/**
	 * Starts a wave of jobs; release 2 also starts jobs of its new workflow, and lists its orders.
	 */
	private static void startWave(WorkflowClient client, List<UUID> jobs, @Nullable List<UUID> releaseTwoOrders) {
		for (int i = 0; i < JOBS_PER_WAVE; i++) {
			UUID order = client.start("rolling_orders", List.of("order-" + jobs.size())).id();
			jobs.add(order);
			jobs.add(client.start("rolling_greeting", "guest-" + jobs.size()).id());
			if (releaseTwoOrders != null) {
				releaseTwoOrders.add(order);
				jobs.add(client.start("rolling_invoices", List.of("invoice-" + jobs.size())).id());
			}
		}
	}

	/**
	 * Starts an instance. It runs at most one step in-process after each step it receives, so that a job's steps go
	 * through the broker every other step and jobs cross between releases, and the instances that stop interrupt
	 * steps run in-process as well as steps received.
	 */
	private static ConfigurableApplicationContext instance(Class<?> release, String id, String database) {
		return new SpringApplicationBuilder(release).run("--spring.datasource.url=" + database,
				"--workflow.worker.id=" + id, "--workflow.worker.concurrency=3", "--workflow.worker.prefetch=2",
				"--workflow.worker.chain-steps=1",
				"--workflow.scheduler.poll-interval=100ms", "--workflow.broker.exchange=wf-test-rolling",
				"--workflow.broker.step-queue=wf-test-rolling.steps",
				"--workflow.broker.parking-queue=wf-test-rolling.parked");
	}

	/** A step's work: long enough that jobs are mid-way when an instance stops. */
	private static void work() {
		LockSupport.parkNanos(Duration.ofMillis(15).toNanos());
	}

	private static List<String> add(List<String> trail, String step) {
		work();
		List<String> next = new ArrayList<>(trail);
		next.add(step);
		return next;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ OrdersOne.class, GreetingOne.class, GreetingSteps.class })
	static class ReleaseOne {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ OrdersTwo.class, GreetingTwo.class, GreetingSteps.class, AuditSteps.class, Invoices.class })
	static class ReleaseTwo {

	}

	@Workflow(name = "rolling_orders")
	static class OrdersOne {

		@Step(order = 1)
		public List<String> validate(List<String> trail) {
			return add(trail, "validate");
		}

		@Step(order = 2)
		public List<String> charge(List<String> trail) {
			return add(trail, "charge");
		}

		@Step(order = 3, name = "ship_old")
		public List<String> ship(List<String> trail) {
			return add(trail, "shipped");
		}

	}

	/** Release 2 reserves stock before it charges, and its shipping step has a new name. */
	@Workflow(name = "rolling_orders")
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

		@Step(order = 4, name = "ship", aliases = "ship_old")
		public List<String> ship(List<String> trail) {
			return add(trail, "shipped");
		}

	}

	/** New in release 2. */
	@Workflow(name = "rolling_invoices")
	static class Invoices {

		@Step(order = 1)
		public List<String> draft(List<String> trail) {
			return add(trail, "draft");
		}

		@Step(order = 2)
		public List<String> send(List<String> trail) {
			return add(trail, "sent");
		}

	}

	static class GreetingSteps {

		@Step(name = "rolling_fetch")
		public String fetch(String name) {
			work();
			return name.toUpperCase();
		}

		@Step(name = "rolling_format")
		public String format(String name) {
			work();
			return "Hello, " + name;
		}

	}

	static class AuditSteps {

		@Step(name = "rolling_audit")
		public String audit(String name) {
			work();
			return "audited " + name;
		}

	}

	@Workflow(name = "rolling_greeting")
	static class GreetingOne {

		private final GreetingSteps steps;

		GreetingOne(GreetingSteps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public String greet(String name) {
			String fetched = this.steps.fetch(name);
			return this.steps.format(fetched);
		}

	}

	/** Release 2 audits each greeting: jobs that passed this point before it keep the old path. */
	@Workflow(name = "rolling_greeting")
	static class GreetingTwo {

		private final GreetingSteps steps;

		private final AuditSteps audit;

		GreetingTwo(GreetingSteps steps, AuditSteps audit) {
			this.steps = steps;
			this.audit = audit;
		}

		@WorkflowMethod
		public String greet(String name) {
			String fetched = this.steps.fetch(name);
			if (Workflows.patched("audit-greetings")) {
				this.audit.audit(fetched);
			}
			return this.steps.format(fetched);
		}

	}

}
