package dev.workflow.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
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

/**
 * A worker runs a job's next step in-process when the completion of the step before decides exactly one, up to the
 * chain's bounds, past which the next step goes through the broker. A step that ran in-process was claimed when it was
 * created: its start time is its creation time, which a step claimed from a message never has.
 */
class StepChainIntegrationTests {

	private static final int JOBS = 10;

	@Test
	void whenAChainReachesItsBoundThenTheNextStepGoesThroughTheBrokerAndTheChainStartsAgainThere() {
		try (ConfigurableApplicationContext worker = worker("--workflow.worker.chain-steps=2")) {
			Map<UUID, String> chained = runFiveSteps(worker);
			// s1 came from its message; s2 and s3 ran in-process; s4 went through the broker, which began a new chain.
			assertThat(chained.values()).hasSize(JOBS).containsOnly("s1:broker,s2:chain,s3:chain,s4:broker,s5:chain");
		}
	}

	@Test
	void whenChainingIsOffOrItsTimeSliceIsZeroThenEveryStepGoesThroughTheBroker() {
		try (ConfigurableApplicationContext worker = worker("--workflow.worker.chain-steps=0")) {
			assertThat(runFiveSteps(worker).values()).hasSize(JOBS)
				.containsOnly("s1:broker,s2:broker,s3:broker,s4:broker,s5:broker");
		}
		try (ConfigurableApplicationContext worker = worker("--workflow.worker.chain-time-slice=0s")) {
			assertThat(runFiveSteps(worker).values()).hasSize(JOBS)
				.containsOnly("s1:broker,s2:broker,s3:broker,s4:broker,s5:broker");
		}
	}

	@Test
	void whenAWorkflowMethodCallsStepsOneAfterAnotherThenTheyRunInProcessOnTheWorkerThatRanTheFirst() {
		try (ConfigurableApplicationContext worker = worker()) {
			WorkflowClient client = worker.getBean(WorkflowClient.class);
			JdbcTemplate jdbc = worker.getBean(JdbcTemplate.class);
			List<UUID> jobs = new ArrayList<>();
			for (int i = 0; i < JOBS; i++) {
				jobs.add(client.start("sequential", 6).id());
			}
			for (UUID job : jobs) {
				assertThat(client.handle(job, Integer.class).await(Duration.ofSeconds(60))).isEqualTo(6);
			}
			assertThat(trails(jdbc, jobs).values()).hasSize(JOBS).containsOnly(
					"add:broker,add:chain,add:chain,add:chain,add:chain,add:chain");
		}
	}

	private static Map<UUID, String> runFiveSteps(ConfigurableApplicationContext worker) {
		WorkflowClient client = worker.getBean(WorkflowClient.class);
		JdbcTemplate jdbc = worker.getBean(JdbcTemplate.class);
		List<UUID> jobs = new ArrayList<>();
		for (int i = 0; i < JOBS; i++) {
			jobs.add(client.start("five_steps", List.of("job-" + i)).id());
		}
		for (int i = 0; i < JOBS; i++) {
			assertThat(client.handle(jobs.get(i), Object.class).await(Duration.ofSeconds(60)))
				.isEqualTo(List.of("job-" + i, "s1", "s2", "s3", "s4", "s5"));
		}
		return trails(jdbc, jobs);
	}

	/**
	 * Returns each job's steps in order, each marked as run in-process (chain) or from its message (broker), once every
	 * step execution of the jobs is completed.
	 */
	private static Map<UUID, String> trails(JdbcTemplate jdbc, List<UUID> jobs) {
		Object[] ids = jobs.toArray();
		String in = "(" + String.join(",", Collections.nCopies(jobs.size(), "?")) + ")";
		await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("select count(*) from wf_step_execution "
				+ "where job_id in " + in + " and status <> 'COMPLETED'", Integer.class, ids) == 0);
		Map<UUID, String> trails = new java.util.HashMap<>();
		jdbc.query("select job_id, string_agg(step_name || case when started_at = created_at then ':chain' "
				+ "else ':broker' end, ',' order by sequence) as trail, count(distinct worker_id) as workers "
				+ "from wf_step_execution where job_id in " + in + " group by job_id", (row) -> {
					assertThat(row.getInt("workers")).isEqualTo(1);
					trails.put(row.getObject("job_id", UUID.class), row.getString("trail"));
				}, ids);
		return trails;
	}

	private static ConfigurableApplicationContext worker(String... arguments) {
		List<String> all = new ArrayList<>(List.of("--workflow.worker.id=chain-worker", "--workflow.worker.concurrency=2",
				"--workflow.broker.exchange=wf-test-chain", "--workflow.broker.step-queue=wf-test-chain.steps",
				"--workflow.broker.parking-queue=wf-test-chain.parked"));
		all.addAll(List.of(arguments));
		return new SpringApplicationBuilder(TestApplication.class).run(all.toArray(String[]::new));
	}

}
