package dev.workflow.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.JobHandle;
import dev.workflow.api.JobStatus;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowException;
import dev.workflow.api.Workflows;
import dev.workflow.test.TestDatabases;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * An instance of an older release completes a step of a job whose history a newer release wrote (a marker of
 * {@link Workflows#patched} the old code does not make): it cannot replay the job, so it hands the step back for an
 * instance of the newer release instead of failing the job.
 */
class HistoryAheadIntegrationTests {

	/** How often release 1's gate ran. */
	static final AtomicInteger releaseOneGateRuns = new AtomicInteger();

	/** Holds release 2's gate until the test lets it go. */
	static final CountDownLatch releaseTwoGate = new CountDownLatch(1);

	@Test
	void whenAnOldInstanceCompletesAStepOfAJobWrittenByANewReleaseThenItHandsTheStepBackAndTheJobCompletesOnTheNewRelease() {
		String database = TestDatabases.createEmptyDatabase();
		JobHandle<Object> job;
		JdbcTemplate jdbc;
		try (ConfigurableApplicationContext newer = instance(ReleaseTwo.class, "ahead-r2", database)) {
			jdbc = newer.getBean(JdbcTemplate.class);
			job = newer.getBean(WorkflowClient.class).start("ahead_greeting", "ada");
			await().atMost(Duration.ofSeconds(30)).until(() -> status(jdbc, job, "ahead_gate").equals("RUNNING"));
			// Release 2 stops while its gate runs: the step is handed back to the queue.
		}
		try (ConfigurableApplicationContext older = instance(ReleaseOne.class, "ahead-r1", database)) {
			JdbcTemplate oldJdbc = older.getBean(JdbcTemplate.class);
			// Handed back after it ran once, then handed back again without running: its effects are not repeated here.
			await().atMost(Duration.ofSeconds(30))
				.until(() -> oldJdbc.queryForObject("select hand_backs from wf_step_execution where job_id = ? "
						+ "and step_name = 'ahead_gate'", Integer.class, job.id()) >= 3);
			assertThat(releaseOneGateRuns).hasValue(1);
			assertThat(older.getBean(WorkflowClient.class).get(job.id()).orElseThrow().status())
				.as("not failed by the old release").isEqualTo(JobStatus.RUNNING);
			assertThat(status(oldJdbc, job, "ahead_gate")).as("waits for the new release").isEqualTo("QUEUED");

			releaseTwoGate.countDown();
			try (ConfigurableApplicationContext newer = instance(ReleaseTwo.class, "ahead-r2-again", database)) {
				assertThat(newer.getBean(WorkflowClient.class).handle(job.id(), String.class).await(Duration.ofSeconds(60)))
					.isEqualTo("Hello, ADA (audited)");
				List<Map<String, Object>> history = oldJdbc.queryForList("select step_name, status, worker_id "
						+ "from wf_step_execution where job_id = ? order by sequence, attempt", job.id());
				assertThat(history).extracting((entry) -> entry.get("step_name"))
					.containsExactly("ahead_fetch", "workflow.patch", "ahead_audit", "ahead_gate", "ahead_format");
				assertThat(history).allSatisfy((entry) -> assertThat(entry.get("status")).isEqualTo("COMPLETED"));
				assertThat(history.get(3).get("worker_id")).isEqualTo("ahead-r2-again");
			}
		}
	}

	@Test
	void whenAnOldInstanceSendsAnEventToAJobWrittenByANewReleaseThenItIsRefusedAndNothingIsRecorded() {
		String database = TestDatabases.createEmptyDatabase();
		try (ConfigurableApplicationContext newer = instance(ReleaseTwo.class, "ahead-events-r2", database)) {
			JdbcTemplate jdbc = newer.getBean(JdbcTemplate.class);
			JobHandle<Object> job = newer.getBean(WorkflowClient.class).start("ahead_waiting", "ada");
			await().atMost(Duration.ofSeconds(30)).until(() -> status(jdbc, job, "workflow.event").equals("SCHEDULED"));
			try (ConfigurableApplicationContext older = instance(ReleaseOne.class, "ahead-events-r1", database)) {
				assertThatExceptionOfType(WorkflowException.class)
					.isThrownBy(() -> older.getBean(WorkflowClient.class).sendEvent(job.id(), "go", "yes"))
					.withMessageContaining("written by a newer release of workflow 'ahead_waiting'")
					.withMessageContaining("nothing was recorded");
				assertThat(status(jdbc, job, "workflow.event")).isEqualTo("SCHEDULED");

				newer.getBean(WorkflowClient.class).sendEvent(job.id(), "go", "yes");
				assertThat(job.await(Duration.ofSeconds(30))).isEqualTo("ADA: yes");
			}
		}
	}

	private static String status(JdbcTemplate jdbc, JobHandle<Object> job, String step) {
		List<String> statuses = jdbc.queryForList("select status from wf_step_execution where job_id = ? "
				+ "and step_name = ?", String.class, job.id(), step);
		return statuses.isEmpty() ? "" : statuses.get(0);
	}

	private static ConfigurableApplicationContext instance(Class<?> release, String id, String database) {
		return new SpringApplicationBuilder(release).run("--spring.datasource.url=" + database,
				"--workflow.worker.id=" + id, "--workflow.worker.shutdown-timeout=200ms",
				"--workflow.worker.unknown-work-max-backoff=1s", "--workflow.scheduler.poll-interval=100ms",
				"--workflow.broker.exchange=wf-test-ahead", "--workflow.broker.step-queue=wf-test-ahead.steps",
				"--workflow.broker.parking-queue=wf-test-ahead.parked");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ GreetingOne.class, Steps.class, GateOne.class, WaitingOne.class })
	static class ReleaseOne {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ GreetingTwo.class, Steps.class, GateTwo.class, WaitingTwo.class })
	static class ReleaseTwo {

	}

	static class Steps {

		@Step(name = "ahead_fetch")
		public String fetch(String name) {
			return name.toUpperCase();
		}

		@Step(name = "ahead_audit")
		public String audit(String name) {
			return "audited";
		}

		@Step(name = "ahead_format")
		public String format(String name) {
			return "Hello, " + name;
		}

	}

	static class GateOne {

		@Step(name = "ahead_gate")
		public String gate(String name) {
			releaseOneGateRuns.incrementAndGet();
			return name;
		}

	}

	static class GateTwo {

		@Step(name = "ahead_gate")
		public String gate(String name) {
			try {
				if (!releaseTwoGate.await(30, TimeUnit.SECONDS)) {
					throw new IllegalStateException("the test did not open the gate");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("interrupted at the gate", ex);
			}
			return name;
		}

	}

	@Workflow(name = "ahead_waiting")
	static class WaitingOne {

		private final Steps steps;

		WaitingOne(Steps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public String greet(String name) {
			String fetched = this.steps.fetch(name);
			return fetched + ": " + Workflows.awaitEvent("go", Duration.ofMinutes(5), String.class).orElse("none");
		}

	}

	@Workflow(name = "ahead_waiting")
	static class WaitingTwo {

		private final Steps steps;

		WaitingTwo(Steps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public String greet(String name) {
			String fetched = this.steps.fetch(name);
			if (Workflows.patched("audit-waits")) {
				this.steps.audit(fetched);
			}
			return fetched + ": " + Workflows.awaitEvent("go", Duration.ofMinutes(5), String.class).orElse("none");
		}

	}

	@Workflow(name = "ahead_greeting")
	static class GreetingOne {

		private final Steps steps;

		private final GateOne gate;

		GreetingOne(Steps steps, GateOne gate) {
			this.steps = steps;
			this.gate = gate;
		}

		@WorkflowMethod
		public String greet(String name) {
			String fetched = this.steps.fetch(name);
			return this.steps.format(this.gate.gate(fetched));
		}

	}

	@Workflow(name = "ahead_greeting")
	static class GreetingTwo {

		private final Steps steps;

		private final GateTwo gate;

		GreetingTwo(Steps steps, GateTwo gate) {
			this.steps = steps;
			this.gate = gate;
		}

		@WorkflowMethod
		public String greet(String name) {
			String fetched = this.steps.fetch(name);
			String suffix = "";
			if (Workflows.patched("audit-greetings")) {
				suffix = " (" + this.steps.audit(fetched) + ")";
			}
			return this.steps.format(this.gate.gate(fetched)) + suffix;
		}

	}

}
