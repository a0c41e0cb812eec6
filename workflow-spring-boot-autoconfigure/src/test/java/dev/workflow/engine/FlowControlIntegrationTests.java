package dev.workflow.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

import dev.workflow.api.JobFailedException;
import dev.workflow.api.JobHandle;
import dev.workflow.api.JobNotRetryableException;
import dev.workflow.api.JobStatus;
import dev.workflow.api.StartOptions;
import dev.workflow.api.StepExecution;
import dev.workflow.api.StepStatus;
import dev.workflow.api.WorkflowClient;
import dev.workflow.test.TwoInstances;
import dev.workflow.test.workflows.CounterSteps;
import dev.workflow.test.workflows.FlowControlWorkflows;
import dev.workflow.test.workflows.RepairableWorkflow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Concurrency limits on two instances that share the database and the queue: in all, per key, priorities among
 * waiting jobs, and a waiting job whose wake-up was lost.
 */
class FlowControlIntegrationTests {

	private static TwoInstances instances;

	private static ConfigurableApplicationContext first;

	private static ConfigurableApplicationContext second;

	private static WorkflowClient client;

	private static JdbcTemplate jdbc;

	@BeforeAll
	static void startTwoInstances() {
		instances = TwoInstances.start("flow", "--workflow.worker.concurrency=2",
				"--workflow.flow.admission-recheck=1h", "--workflow.pools.metered.rate-limit=30/1s");
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
	void whenThreeHundredJobsPassALimitOfThreeThenNeverMoreThanThreeRunAtOnce() {
		String batch = UUID.randomUUID().toString();
		WorkflowClient other = second.getBean(WorkflowClient.class);
		List<UUID> jobs = new ArrayList<>();
		for (int i = 0; i < 300; i++) {
			// Both instances start jobs, and both run them.
			jobs.add(((i % 2 == 0) ? client : other).start("three_at_a_time", "job-" + i,
					StartOptions.defaults().userContext(Map.of("batch", batch))).id());
		}
		assertThat(client.get(jobs.get(299)).orElseThrow().status()).isIn(JobStatus.WAITING, JobStatus.QUEUED,
				JobStatus.RUNNING, JobStatus.COMPLETED);
		awaitCompleted(batch, 300);
		assertThat(mostAtOnce(batch, false)).isEqualTo(3);
		assertThat(jdbc.queryForList("select distinct s.worker_id from wf_step_execution s join wf_job j on "
				+ "j.id = s.job_id where j.user_context @> cast(? as jsonb)", String.class, batchContext(batch)))
			.containsExactlyInAnyOrder("flow-a", "flow-b");
	}

	@Test
	void whenFiveHundredJobsShareTenKeysThenOneRunsAtATimePerKeyInStartOrder() {
		String batch = UUID.randomUUID().toString();
		for (int i = 0; i < 500; i++) {
			client.start("one_per_key", "job-" + i, StartOptions.defaults()
				.userContext(Map.of("batch", batch))
				.concurrencyKey(batch + "-key-" + (i % 10)));
		}
		awaitCompleted(batch, 500);
		assertThat(mostAtOnce(batch, true)).isEqualTo(1);
		// Per key, the jobs started running in the order they were started.
		List<Map<String, Object>> outOfOrder = jdbc.queryForList("""
				select a.id from wf_job a join wf_job b on a.concurrency_key = b.concurrency_key
				  and a.created_at < b.created_at and a.started_at > b.started_at
				where a.user_context @> cast(? as jsonb) and b.user_context @> cast(? as jsonb)""",
				batchContext(batch), batchContext(batch));
		assertThat(outOfOrder).isEmpty();
		// Keys ran side by side: more than one job ran at some moment.
		assertThat(mostAtOnce(batch, false)).isGreaterThan(1);
	}

	@Test
	void whenJobsWaitThenHigherPriorityStartsFirst() {
		String batch = UUID.randomUUID().toString();
		FlowControlWorkflows.gate = new CountDownLatch(1);
		try {
			UUID held = client.start("held_one_at_a_time", "hold",
					StartOptions.defaults().userContext(Map.of("batch", batch))).id();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> client.get(held).orElseThrow().status() == JobStatus.RUNNING);
			List<UUID> low = new ArrayList<>();
			List<UUID> high = new ArrayList<>();
			for (int i = 0; i < 10; i++) {
				low.add(client.start("held_one_at_a_time", "low-" + i,
						StartOptions.defaults().userContext(Map.of("batch", batch))).id());
			}
			for (int i = 0; i < 10; i++) {
				high.add(client.start("held_one_at_a_time", "high-" + i,
						StartOptions.defaults().userContext(Map.of("batch", batch)).priority(50)).id());
			}
			assertThat(client.get(low.get(0)).orElseThrow().status()).isEqualTo(JobStatus.WAITING);
			FlowControlWorkflows.gate.countDown();
			awaitCompleted(batch, 21);
			Long lastHigh = jdbc.queryForObject("select max(started_at) from wf_job where id = any(?)",
					(rows, row) -> rows.getTimestamp(1).getTime(), (Object) high.toArray(UUID[]::new));
			Long firstLow = jdbc.queryForObject("select min(started_at) from wf_job where id = any(?)",
					(rows, row) -> rows.getTimestamp(1).getTime(), (Object) low.toArray(UUID[]::new));
			assertThat(lastHigh).isLessThanOrEqualTo(firstLow);
			List<String> lowOrder = jdbc.queryForList("select input #>> '{}' from wf_job where id = any(?) "
					+ "order by started_at", String.class, (Object) low.toArray(UUID[]::new));
			assertThat(lowOrder).containsExactly("low-0", "low-1", "low-2", "low-3", "low-4", "low-5", "low-6",
					"low-7", "low-8", "low-9");
		}
		finally {
			FlowControlWorkflows.gate.countDown();
		}
	}

	@Test
	void whenALimitedJobIsRetriedOrCancelledWhileThePlaceIsTakenThenItWaitsOrEndsWithoutRunning() {
		String batch = UUID.randomUUID().toString();
		StartOptions options = StartOptions.defaults().userContext(Map.of("batch", batch));
		UUID failing = client.start("held_one_at_a_time", "fail-once-" + batch, options).id();
		await().atMost(Duration.ofSeconds(30))
			.until(() -> client.get(failing).orElseThrow().status() == JobStatus.FAILED);
		FlowControlWorkflows.gate = new CountDownLatch(1);
		try {
			UUID held = client.start("held_one_at_a_time", "hold", options).id();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> client.get(held).orElseThrow().status() == JobStatus.RUNNING);
			UUID cancelled = client.start("held_one_at_a_time", "never", options).id();
			assertThat(client.get(cancelled).orElseThrow().status()).isEqualTo(JobStatus.WAITING);
			client.cancel(cancelled);
			assertThat(client.get(cancelled).orElseThrow().status()).isEqualTo(JobStatus.CANCELLED);

			client.retry(failing);
			// The place is taken: the retry waits for it.
			assertThat(client.get(failing).orElseThrow().status()).isEqualTo(JobStatus.WAITING);
			FlowControlWorkflows.gate.countDown();
			await().atMost(Duration.ofSeconds(30))
				.until(() -> client.get(failing).orElseThrow().status() == JobStatus.COMPLETED);
			assertThat(client.history(failing)).extracting((execution) -> execution.attempt()).containsExactly(1, 2);
			assertThat(client.history(cancelled)).isEmpty();
			assertThat(client.get(held).orElseThrow().status()).isEqualTo(JobStatus.COMPLETED);
		}
		finally {
			FlowControlWorkflows.gate.countDown();
		}
	}

	@Test
	void whenALimitedJobFailedWithAParallelStepStillRunningThenItsRetryWaitsUntilThatStepHasEnded() {
		String failing = UUID.randomUUID().toString();
		String holding = UUID.randomUUID().toString();
		JobHandle<Object> job = client.start("repairable_parallel_limited", failing);
		assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> job.await(Duration.ofSeconds(30)));
		// Another job takes the place, and holds it at its gate.
		RepairableWorkflow.repair(holding);
		JobHandle<Object> other = client.start("repairable_parallel_limited", holding);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> client.get(other.id()).orElseThrow().status() == JobStatus.RUNNING);
		RepairableWorkflow.repair(failing);

		// The failed job's gate still runs: a retry now would leave it running for a job without a place.
		assertThatExceptionOfType(JobNotRetryableException.class).isThrownBy(() -> client.retry(job.id()))
			.withMessageContaining("[gate]")
			.withMessageContaining("have not ended");
		CounterSteps.open(failing);
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(client.history(job.id()))
				.extracting(StepExecution::step, StepExecution::status)
				.containsExactly(tuple("fragileOnceGateRuns", StepStatus.FAILED), tuple("gate", StepStatus.CANCELLED)));
		client.retry(job.id());
		assertThat(client.get(job.id()).orElseThrow().status()).isEqualTo(JobStatus.WAITING);

		CounterSteps.open(holding);
		assertThat(other.await(Duration.ofSeconds(30))).isEqualTo(List.of("repaired " + holding, "passed " + holding));
		assertThat(job.await(Duration.ofSeconds(30))).isEqualTo(List.of("repaired " + failing, "passed " + failing));
		assertThat(client.history(job.id()))
			.extracting(StepExecution::step, StepExecution::attempt, StepExecution::status)
			.containsExactly(tuple("fragileOnceGateRuns", 1, StepStatus.FAILED),
					tuple("fragileOnceGateRuns", 2, StepStatus.COMPLETED),
					tuple("gate", 1, StepStatus.CANCELLED), tuple("gate", 2, StepStatus.COMPLETED));
	}

	@Test
	void whenAWaitingJobsFirstStepCannotBeSentThenItFailsAndTheJobBehindItGoes() {
		String batch = UUID.randomUUID().toString();
		UUID poison = UUID.randomUUID();
		// Its input and user context each fit workflow.max-payload-size (8 MB); the message of its first step, which
		// carries both, does not. It waits first in line for the one place.
		String half = "x".repeat(5_000_000);
		jdbc.update("insert into wf_job (id, workflow_name, status, input, user_context, step_count, created_at) "
				+ "values (?, 'held_one_at_a_time', 'WAITING', to_jsonb(?::text), jsonb_build_object('batch', ?::text, "
				+ "'notes', ?::text), 1, now() - interval '1 minute')", poison, half, batch, half);
		UUID behind = client.start("held_one_at_a_time", "behind",
				StartOptions.defaults().userContext(Map.of("batch", batch))).id();
		awaitCompleted(batch, 1);
		assertThat(client.get(behind).orElseThrow().output()).isEqualTo("behind");
		assertThat(jdbc.queryForMap("select status, error_message from wf_job where id = ?", poison))
			.satisfies((row) -> {
				assertThat(row.get("status")).isEqualTo("FAILED");
				assertThat((String) row.get("error_message")).contains("workflow.max-payload-size");
			});
	}

	@Test
	void whenSevenHundredStepsMeetARateLimitOfTwentyPerSecondThenThirtySecondsStartSixHundredWithinTenPercent() {
		String batch = UUID.randomUUID().toString();
		List<String> inputs = new ArrayList<>();
		for (int i = 0; i < 700; i++) {
			inputs.add("job-" + i);
		}
		// Both instances start jobs, and both run them.
		client.startAll("twenty_per_second", inputs.subList(0, 350),
				StartOptions.defaults().userContext(Map.of("batch", batch)));
		second.getBean(WorkflowClient.class)
			.startAll("twenty_per_second", inputs.subList(350, 700),
					StartOptions.defaults().userContext(Map.of("batch", batch)));
		awaitCompleted(batch, 700);
		String starts = "select s.started_at from wf_step_execution s join wf_job j on j.id = s.job_id "
				+ "where j.user_context @> cast(? as jsonb) and s.status = 'COMPLETED'";
		Integer inThirtySeconds = jdbc.queryForObject("with starts as (" + starts + ") select count(*) from starts "
				+ "where started_at < (select min(started_at) from starts) + interval '30 seconds'", Integer.class,
				batchContext(batch));
		assertThat(inThirtySeconds).isBetween(540, 660);
		assertThat(jdbc.queryForList("select distinct s.worker_id from wf_step_execution s join wf_job j on "
				+ "j.id = s.job_id where j.user_context @> cast(? as jsonb)", String.class, batchContext(batch)))
			.containsExactlyInAnyOrder("flow-a", "flow-b");
	}

	@Test
	void whenAStepAndItsPoolHaveRatesThenEachHoldsForTheStepsUnderIt() {
		String batch = UUID.randomUUID().toString();
		StartOptions options = StartOptions.defaults().userContext(Map.of("batch", batch));
		List<String> inputs = new ArrayList<>();
		for (int i = 0; i < 90; i++) {
			inputs.add("job-" + i);
		}
		// Both instances start jobs, and both run them: 24 jobs whose second step may start 3 times a second, and 90
		// jobs of another workflow of the same pool, whose steps may start 30 times a second in all (138 steps).
		client.startAll("metered_step", inputs.subList(0, 12), options);
		second.getBean(WorkflowClient.class).startAll("metered_step", inputs.subList(12, 24), options);
		client.startAll("metered_pool", inputs.subList(0, 45), options);
		second.getBean(WorkflowClient.class).startAll("metered_pool", inputs.subList(45, 90), options);
		awaitCompleted(batch, 114);

		// Each start is timed by the worker's clock as it passed the rates: at most permits + rate x window.
		assertThat(mostStartsWithin(batch, "metered", Duration.ofSeconds(2))).isLessThanOrEqualTo(3 + 3 * 2);
		assertThat(mostStartsWithin(batch, null, Duration.ofSeconds(2))).isLessThanOrEqualTo(30 + 30 * 2);
		// The step's rate, not the pool's, set the pace of its 24 starts: the first 3 at once, then 3 a second.
		Double meteredSeconds = jdbc.queryForObject("select extract(epoch from max(s.started_at) - min(s.started_at)) "
				+ "from wf_step_execution s join wf_job j on j.id = s.job_id where j.user_context @> cast(? as jsonb) "
				+ "and s.step_name = 'metered'", Double.class, batchContext(batch));
		assertThat(meteredSeconds).isGreaterThanOrEqualTo((24 - 3) / 3.0 - 0.01);
		assertThat(jdbc.queryForList("select distinct s.worker_id from wf_step_execution s join wf_job j on "
				+ "j.id = s.job_id where j.user_context @> cast(? as jsonb)", String.class, batchContext(batch)))
			.containsExactlyInAnyOrder("flow-a", "flow-b");
	}

	@Test
	void whenAHundredStartsShareADebounceKeyWithinTheWindowThenOneJobRunsWithTheLastInput() {
		String batch = UUID.randomUUID().toString();
		StartOptions options = StartOptions.defaults()
			.userContext(Map.of("batch", batch))
			.debounce("customer-" + batch, Duration.ofSeconds(2));
		WorkflowClient other = second.getBean(WorkflowClient.class);
		List<JobHandle<Object>> starts = new ArrayList<>();
		for (int i = 0; i < 100; i++) {
			// Both instances take the starts.
			starts.add(((i % 2 == 0) ? client : other).start("one_per_key", "v" + i, options));
		}
		UUID job = starts.get(0).id();
		assertThat(starts).extracting(JobHandle::id).containsOnly(job);
		assertThat(starts).extracting(JobHandle::created).containsExactlyElementsOf(
				java.util.stream.IntStream.range(0, 100).mapToObj((i) -> i == 0).toList());
		assertThat(client.get(job).orElseThrow().status()).isEqualTo(JobStatus.WAITING);
		awaitCompleted(batch, 1);
		assertThat(client.get(job).orElseThrow().output()).isEqualTo("v99");
		assertThat(client.history(job)).extracting((step) -> step.input()).containsExactly("v99", "v99");

		// Once the job has begun, the key starts a new one.
		JobHandle<Object> next = client.start("one_per_key", "later", options);
		assertThat(next.created()).isTrue();
		assertThat(next.id()).isNotEqualTo(job);
		awaitCompleted(batch, 2);
		assertThat(jdbc.queryForObject("select count(*) from wf_job where user_context @> cast(? as jsonb)",
				Integer.class, batchContext(batch))).isEqualTo(2);

		// A debounced job cancelled while it waits lets its key go: the next start makes a new job.
		StartOptions longWindow = StartOptions.defaults().debounce("cancelled-" + batch, Duration.ofMinutes(5));
		UUID cancelled = client.start("one_per_key", "never", longWindow).id();
		client.cancel(cancelled);
		JobHandle<Object> afterCancel = client.start("one_per_key", "again", longWindow);
		assertThat(afterCancel.created()).isTrue();
		assertThat(afterCancel.id()).isNotEqualTo(cancelled);
		client.cancel(afterCancel.id());
	}

	@Test
	void whenAWaitingJobMissedItsWakeUpThenTheRecheckLetsItThrough() {
		String batch = UUID.randomUUID().toString();
		UUID id = UUID.randomUUID();
		// As a crash between a job's store and its wake-up leaves it: WAITING, with nothing to let it through.
		jdbc.update("insert into wf_job (id, workflow_name, status, input, user_context, step_count, created_at) "
				+ "values (?, 'three_at_a_time', 'WAITING', '\"lost\"', cast(? as jsonb), 2, now())", id,
				batchContext(batch));
		// The recheck is an hour away on these instances, so wake-ups are what every other test relies on: run it now.
		second.getBean(WorkflowEngine.class).recheckAdmissions();
		awaitCompleted(batch, 1);
		assertThat(client.get(id).orElseThrow().output()).isEqualTo("lost");
	}

	private static void awaitCompleted(String batch, int jobs) {
		await().atMost(Duration.ofMinutes(3))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> jdbc.queryForObject("select count(*) from wf_job where status = 'COMPLETED' and "
					+ "user_context @> cast(? as jsonb)", Integer.class, batchContext(batch)) == jobs);
	}

	/**
	 * The most jobs of a batch that ran at one moment, from their start and end times: per key, or in all.
	 */
	private static int mostAtOnce(String batch, boolean perKey) {
		return jdbc.queryForObject("""
				select max((select count(*) from wf_job k where k.user_context @> cast(? as jsonb)
				  and k.started_at <= j.started_at and k.finished_at > j.started_at""" + (perKey
				? " and k.concurrency_key = j.concurrency_key" : "") + """
				)) from wf_job j where j.user_context @> cast(? as jsonb)""", Integer.class, batchContext(batch),
				batchContext(batch));
	}

	/**
	 * The most step executions of a batch (of one step, or of all) that started within one window, from their start
	 * times.
	 */
	private static int mostStartsWithin(String batch, String step, Duration window) {
		String starts = "select s.started_at from wf_step_execution s join wf_job j on j.id = s.job_id "
				+ "where j.user_context @> cast(? as jsonb) and s.status = 'COMPLETED'"
				+ ((step != null) ? " and s.step_name = '" + step + "'" : "");
		return jdbc.queryForObject("with starts as (" + starts + ") select max((select count(*) from starts o where "
				+ "o.started_at >= s.started_at and o.started_at < s.started_at + cast(? as interval))) from starts s",
				Integer.class, batchContext(batch), window.toMillis() + " milliseconds");
	}

	private static String batchContext(String batch) {
		return "{\"batch\": \"" + batch + "\"}";
	}

}
