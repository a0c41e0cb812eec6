package dev.workflow.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.workflow.api.JobHandle;
import dev.workflow.api.WorkflowClient;
import dev.workflow.test.TestApplication;
import dev.workflow.test.WorkerProcess;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class WorkerCrashIntegrationTests {

	private static final String[] QUEUES = { "--workflow.broker.exchange=wf-test-crash",
			"--workflow.broker.step-queue=wf-test-crash.steps", "--workflow.broker.parking-queue=wf-test-crash.parked",
			"--workflow.worker.lease-duration=2s", "--workflow.scheduler.poll-interval=100ms" };

	@Test
	void whenAWorkerJvmIsKilledMidStepThenTheJobCompletesOnAnotherWorkerAndTheStepIsRecordedOnce() throws Exception {
		Process doomed = WorkerProcess.start(Path.of("target", "worker-logs", "doomed-worker.log"),
				concat(QUEUES, "--workflow.worker.id=doomed-worker"));
		try (ConfigurableApplicationContext starter = new SpringApplicationBuilder(TestApplication.class)
			.run(concat(QUEUES, "--workflow.worker.enabled=false"))) {
			WorkflowClient client = starter.getBean(WorkflowClient.class);
			JdbcTemplate jdbc = starter.getBean(JdbcTemplate.class);
			JobHandle<Object> job = client.start("crash_test", "order-1");

			await().atMost(Duration.ofSeconds(90)).until(() -> "doomed-worker".equals(jdbc.queryForObject(
					"select max(worker_id) from wf_step_execution where job_id = ? and status = 'RUNNING'", String.class,
					job.id())));
			doomed.destroyForcibly();
			assertThat(doomed.waitFor(30, TimeUnit.SECONDS)).isTrue();
			assertThat(doomed.exitValue()).as("killed by SIGKILL").isEqualTo(137);

			try (ConfigurableApplicationContext survivor = new SpringApplicationBuilder(TestApplication.class)
				.run(concat(QUEUES, "--workflow.worker.id=survivor"))) {
				assertThat(job.await(Duration.ofSeconds(60))).isEqualTo("order-1 done by survivor, then finished");
			}
			Map<String, Object> work = jdbc.queryForMap("select count(*) filter (where status = 'COMPLETED') as completed, "
					+ "max(output::text) filter (where status = 'COMPLETED') as output, "
					+ "max(worker_id) filter (where status = 'COMPLETED') as worker "
					+ "from wf_step_execution where job_id = ? and step_name = 'work'", job.id());
			assertThat(work).containsEntry("completed", 1L)
				.containsEntry("output", "\"order-1 done by survivor\"")
				.containsEntry("worker", "survivor");
		}
		finally {
			doomed.destroyForcibly();
		}
	}

	@Test
	void whenAWorkerJvmIsKilledDuringAFanOutThenTheJobCompletesAndEachStepIsRecordedOnce() throws Exception {
		Process doomed = WorkerProcess.start(Path.of("target", "worker-logs", "doomed-fan-out-worker.log"),
				concat(QUEUES, "--workflow.worker.id=doomed-worker", "--workflow.worker.concurrency=10",
						"--workflow.worker.prefetch=1"));
		try (ConfigurableApplicationContext starter = new SpringApplicationBuilder(TestApplication.class)
			.run(concat(QUEUES, "--workflow.worker.enabled=false"))) {
			WorkflowClient client = starter.getBean(WorkflowClient.class);
			JdbcTemplate jdbc = starter.getBean(JdbcTemplate.class);
			JobHandle<Object> job = client.start("crash_fan_out", 10);

			await().atMost(Duration.ofSeconds(90)).until(() -> jdbc.queryForObject(
					"select count(*) from wf_step_execution where job_id = ? and status = 'RUNNING' "
							+ "and worker_id = 'doomed-worker'", Integer.class, job.id()) >= 5);
			doomed.destroyForcibly();
			assertThat(doomed.waitFor(30, TimeUnit.SECONDS)).isTrue();

			try (ConfigurableApplicationContext survivor = new SpringApplicationBuilder(TestApplication.class)
				.run(concat(QUEUES, "--workflow.worker.id=survivor", "--workflow.worker.concurrency=4"))) {
				assertThat(job.await(Duration.ofSeconds(90))).isEqualTo(450);
			}
			assertThat(jdbc.queryForList("select sequence, count(*) filter (where status = 'COMPLETED') as completed "
					+ "from wf_step_execution where job_id = ? group by sequence order by sequence", job.id()))
				.hasSize(10)
				.allSatisfy((row) -> assertThat(row.get("completed")).isEqualTo(1L));
			assertThat(jdbc.queryForObject("select count(*) from wf_step_execution where job_id = ? and status = 'COMPLETED' "
					+ "and worker_id = 'doomed-worker'", Integer.class, job.id()))
				.isZero();
		}
		finally {
			doomed.destroyForcibly();
		}
	}

	@Test
	void whenAWorkerJvmIsKilledMidChainThenEveryJobCompletesWithinTheLeaseAndEachStepIsRecordedOnce()
			throws Exception {
		int jobs = 4;
		Process doomed = WorkerProcess.start(Path.of("target", "worker-logs", "doomed-chain-worker.log"),
				concat(QUEUES, "--workflow.worker.id=doomed-worker", "--workflow.worker.concurrency=" + jobs));
		try (ConfigurableApplicationContext starter = new SpringApplicationBuilder(TestApplication.class)
			.run(concat(QUEUES, "--workflow.worker.enabled=false"))) {
			WorkflowClient client = starter.getBean(WorkflowClient.class);
			JdbcTemplate jdbc = starter.getBean(JdbcTemplate.class);
			List<JobHandle<Object>> handles = new ArrayList<>();
			for (int i = 0; i < jobs; i++) {
				handles.add(client.start("crash_chain", "order-" + i));
			}
			Object[] ids = handles.stream().map(JobHandle::id).toArray();
			String in = "(" + String.join(",", Collections.nCopies(jobs, "?")) + ")";
			// The second step of each job runs on the doomed worker in-process: claimed when it was created, with no
			// message of its own.
			await().atMost(Duration.ofSeconds(90)).until(() -> jdbc.queryForObject("select count(*) from "
					+ "wf_step_execution where job_id in " + in + " and step_name = 'second' and status = 'RUNNING' "
					+ "and worker_id = 'doomed-worker' and started_at = created_at", Integer.class, ids) == jobs);

			try (ConfigurableApplicationContext survivor = new SpringApplicationBuilder(TestApplication.class)
				.run(concat(QUEUES, "--workflow.worker.id=survivor"))) {
				doomed.destroyForcibly();
				assertThat(doomed.waitFor(30, TimeUnit.SECONDS)).isTrue();
				// The lease (2 s here) lapses, and the background work dispatches the steps again.
				await().atMost(Duration.ofSeconds(2 + 5)).until(() -> jdbc.queryForObject(
						"select count(*) from wf_job where id in " + in + " and status = 'COMPLETED'", Integer.class,
						ids) == jobs);
			}
			for (int i = 0; i < jobs; i++) {
				assertThat(client.get(handles.get(i).id()).orElseThrow().output()).isEqualTo("order-" + i
						+ " first by doomed-worker, second by survivor, third by survivor");
			}
			assertThat(jdbc.queryForList("select job_id, sequence, count(*) filter (where status = 'COMPLETED') as "
					+ "completed from wf_step_execution where job_id in " + in + " group by job_id, sequence", ids))
				.hasSize(jobs * 3)
				.allSatisfy((row) -> assertThat(row.get("completed")).isEqualTo(1L));
		}
		finally {
			doomed.destroyForcibly();
		}
	}

	private static String[] concat(String[] first, String... second) {
		String[] all = new String[first.length + second.length];
		System.arraycopy(first, 0, all, 0, first.length);
		System.arraycopy(second, 0, all, first.length, second.length);
		return all;
	}

}
