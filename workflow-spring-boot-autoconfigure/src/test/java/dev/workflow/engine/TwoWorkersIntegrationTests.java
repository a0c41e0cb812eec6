package dev.workflow.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.workflow.api.WorkflowClient;
import dev.workflow.test.TestApplication;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class TwoWorkersIntegrationTests {

	private static final int JOBS = 200;

	@Test
	void whenTwoWorkersShareTheQueueThenEveryJobCompletesInOrderAndBothWorkersRanSteps() {
		try (ConfigurableApplicationContext first = worker("worker-a");
				ConfigurableApplicationContext second = worker("worker-b")) {
			WorkflowClient client = first.getBean(WorkflowClient.class);
			JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);
			List<UUID> jobs = new ArrayList<>();
			for (int i = 0; i < JOBS; i++) {
				jobs.add(client.start("five_steps", List.of("job-" + i)).id());
			}
			Object[] ids = jobs.toArray();
			String in = "(" + String.join(",", java.util.Collections.nCopies(JOBS, "?")) + ")";

			await().atMost(Duration.ofMinutes(2))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> jdbc.queryForObject(
						"select count(*) from wf_job where status = 'COMPLETED' and id in " + in, Integer.class, ids) == JOBS);

			for (int i = 0; i < JOBS; i++) {
				assertThat(client.get(jobs.get(i)).orElseThrow().output())
					.isEqualTo(List.of("job-" + i, "s1", "s2", "s3", "s4", "s5"));
			}
			List<Map<String, Object>> histories = jdbc.queryForList(
					"select job_id, string_agg(step_name, ',' order by sequence) as steps, count(*) as executions, "
							+ "bool_and(status = 'COMPLETED') as completed from wf_step_execution where job_id in " + in
							+ " group by job_id",
					ids);
			assertThat(histories).hasSize(JOBS).allSatisfy((history) -> {
				assertThat(history.get("steps")).isEqualTo("s1,s2,s3,s4,s5");
				assertThat(history.get("executions")).isEqualTo(5L);
				assertThat(history.get("completed")).isEqualTo(true);
			});
			Map<String, Object> sequences = jdbc.queryForMap("select min(sequence) as low, max(sequence) as high, "
					+ "count(distinct (job_id, sequence)) as distinct_entries from wf_step_execution where job_id in " + in, ids);
			assertThat(sequences).containsEntry("low", 0).containsEntry("high", 4).containsEntry("distinct_entries", (long) JOBS * 5);
			List<String> workers = jdbc.queryForList(
					"select distinct worker_id from wf_step_execution where job_id in " + in + " order by 1", String.class,
					ids);
			assertThat(workers).containsExactly("worker-a", "worker-b");
		}
	}

	private static ConfigurableApplicationContext worker(String id) {
		return new SpringApplicationBuilder(TestApplication.class).run("--workflow.worker.id=" + id,
				"--workflow.worker.concurrency=2", "--workflow.broker.exchange=wf-test-two-workers",
				"--workflow.broker.step-queue=wf-test-two-workers.steps",
				"--workflow.broker.parking-queue=wf-test-two-workers.parked");
	}

}
