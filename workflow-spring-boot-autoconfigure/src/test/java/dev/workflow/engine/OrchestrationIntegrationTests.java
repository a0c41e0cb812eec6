package dev.workflow.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.workflow.api.JobFailedException;
import dev.workflow.api.JobHandle;
import dev.workflow.api.JobStatus;
import dev.workflow.api.StepStatus;
import dev.workflow.api.WorkflowClient;
import dev.workflow.api.WorkflowSerializationException;
import dev.workflow.store.StepExecutionEntity;
import dev.workflow.store.StepExecutions;
import dev.workflow.test.TestApplication;
import dev.workflow.test.workflows.CounterSteps;
import dev.workflow.test.workflows.OrchestratedWorkflows;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

@DirtiesContext
@SpringBootTest(classes = TestApplication.class,
		properties = { "workflow.broker.exchange=wf-test-orchestration",
				"workflow.broker.step-queue=wf-test-orchestration.steps",
				"workflow.broker.parking-queue=wf-test-orchestration.parked", "workflow.retry.max-attempts=1" })
@ExtendWith(OutputCaptureExtension.class)
class OrchestrationIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	@Autowired
	WorkflowClient client;

	@Autowired
	CounterSteps counter;

	@Autowired
	StepExecutions steps;

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	org.springframework.jdbc.core.JdbcTemplate jdbc;

	@AfterEach
	void oldCode() {
		OrchestratedWorkflows.Changing.newCode = false;
	}

	@Test
	void pyWorkflowProcessOrderSetsTheContextAndItsStepReadsIt(CapturedOutput output) {
		JobHandle<Object> job = this.client.start("process_order", List.of("order-42", "user-7"));

		assertThat(job.await(WAIT)).isEqualTo(Map.of("valid", true));
		assertThat(output.getOut()).contains("Validating order order-42 for user user-7\n");
		assertThat(history(job.id())).extracting(StepExecutionEntity::getStepName)
			.containsExactly("workflow.setStepContext", "validateOrder");
	}

	@Test
	void whenTheWorkflowLoopsAndBranchesThenEachCallIsAStepAndTheResultIsThePlainJavaOne() {
		JobHandle<Object> job = this.client.start("looping", 6);

		assertThat(job.await(WAIT)).isEqualTo(sumAsPlainJava(6));
		List<StepExecutionEntity> history = history(job.id());
		assertThat(history).extracting(StepExecutionEntity::getStepName)
			.containsExactly("add", "add", "add", "add", "add", "halve", "add", "halve");
		assertThat(history).extracting(StepExecutionEntity::getSequence).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
		assertThat(history.get(1).getInput()).isEqualTo("[1, 2]");
		assertThat(job.job().stepsCompleted()).isEqualTo(8);
		assertThat(job.job().percentComplete()).isEqualTo(100);
	}

	@Test
	void whenAStepBeanIsCalledOutsideAWorkflowThenItIsAPlainMethodCall() {
		assertThat(this.counter.add(2, 3)).isEqualTo(5);
	}

	@Test
	void whenTheWorkflowChangesTheContextBetweenStepsThenEachStepSeesTheContextOfItsCall() {
		assertThat(this.client.start("context_switch", null).await(WAIT)).isEqualTo("first,first-then-second");
	}

	@Test
	void whenAStepTriesToSetTheStepContextThenItFailsWithAClearError() {
		JobHandle<Object> job = this.client.start("step_sets_context", null);

		assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> job.await(WAIT))
			.withMessageContaining("IllegalStateException")
			.withMessageContaining("Workflows.setStepContext may only be called from a @WorkflowMethod");
	}

	@Test
	void whenTheCodeChangesUnderARunningJobThenTheJobFailsNamingTheStepAndBothSides() {
		String key = "change-" + UUID.randomUUID();
		JobHandle<Object> job = this.client.start("changing", key);
		await().atMost(WAIT).until(() -> history(job.id()).size() == 2);

		OrchestratedWorkflows.Changing.newCode = true;
		CounterSteps.open(key);

		assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> job.await(WAIT))
			.satisfies((ex) -> assertThat(ex.job().status()).isEqualTo(JobStatus.FAILED))
			.withMessageContaining("Workflow 'changing' no longer matches the history of this job: entry 0 records "
					+ "step 'add' with arguments [1,2], but the code now calls step 'halve' with arguments [4]");
	}

	@Test
	void whenTheInputDoesNotFitTheWorkflowMethodThenStartFailsAndStoresNothing() {
		assertThatExceptionOfType(WorkflowSerializationException.class)
			.isThrownBy(() -> this.client.start("process_order", "just-one-value"))
			.withMessageContaining("it takes 2 arguments");
	}

	@Test
	void whenTheWorkflowFansOutThenTheStepsRunInParallelAndTheResultsComeBackInOrder() {
		JobHandle<Object> job = this.client.start("fan_out", List.of(10, 0));

		assertThat(job.await(WAIT)).isEqualTo(1045);
		List<StepExecutionEntity> history = history(job.id());
		assertThat(history).hasSize(11);
		assertThat(history.subList(0, 10)).extracting(StepExecutionEntity::getInput)
			.containsExactly("[0, 100]", "[1, 100]", "[2, 100]", "[3, 100]", "[4, 100]", "[5, 100]", "[6, 100]",
					"[7, 100]", "[8, 100]", "[9, 100]");
		assertThat(history.get(10).getStepName()).isEqualTo("workflow.sleep");
		assertThat(history).extracting(StepExecutionEntity::getCreatedAt)
			.as("the ten steps were dispatched together")
			.first()
			.isEqualTo(history.get(9).getCreatedAt());
	}

	@Test
	void whenTheWorkflowSleepsThenItWaitsInTheDatabaseAndResumes() {
		long started = System.nanoTime();
		JobHandle<Object> job = this.client.start("sleeper", 1500);

		assertThat(job.await(WAIT)).isEqualTo(3);
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
		StepExecutionEntity timer = history(job.id()).get(1);
		assertThat(timer.getStepName()).isEqualTo("workflow.sleep");
		assertThat(timer.getInput()).isEqualTo("{\"millis\": 1500}");
		assertThat(timer.getDueAt()).isAfterOrEqualTo(timer.getCreatedAt().plusMillis(1500));
	}

	@Test
	void whenAWorkflowCalls200StepsInARowThenItCompletesReadingEachHistoryRowAboutOnce() {
		long rowsBefore = HistoryCache.historyRowsRead.get();
		long started = System.nanoTime();
		JobHandle<Object> job = this.client.start("sequential", 200);

		assertThat(job.await(Duration.ofMinutes(2))).isEqualTo(200);
		double seconds = (System.nanoTime() - started) / 1e9;
		long rowsRead = HistoryCache.historyRowsRead.get() - rowsBefore;
		assertThat(history(job.id())).hasSize(200);
		// Each completion replays the method from the top (n(n+1)/2 memoized calls, in memory); the completed part of
		// the history is cached on the worker, so each replay reads only the rows that are new since the last one.
		long replayedCalls = 200L * 201 / 2;
		System.out.printf("REPLAY: 200 sequential steps in %.2f s (%.1f ms per step); %d step calls replayed, "
				+ "%d history rows read (%d without the cache)%n", seconds, seconds * 1000 / 200, replayedCalls,
				rowsRead, replayedCalls);
		assertThat(rowsRead).isLessThanOrEqualTo(2 * 200);
	}

	@Test
	void whenAnEventIsSentToAWaitingWorkflowThenItGoesOnWithThePayload() {
		JobHandle<Object> job = this.client.start("approval", List.of("", 60_000));
		await().atMost(WAIT).until(() -> history(job.id()).size() == 1);

		this.client.sendEvent(job.id(), "approval", "alice");

		assertThat(job.await(WAIT)).isEqualTo("approved by alice");
		assertThat(history(job.id())).singleElement().satisfies((entry) -> {
			assertThat(entry.getStepName()).isEqualTo("workflow.event");
			assertThat(entry.getOutput()).isEqualTo("\"alice\"");
		});
	}

	@Test
	void whenAnEventArrivesBeforeTheWorkflowWaitsForItThenItIsKept() {
		String key = "early-" + UUID.randomUUID();
		JobHandle<Object> job = this.client.start("approval", List.of(key, 60_000));
		await().atMost(WAIT).until(() -> history(job.id()).size() == 1);

		this.client.sendEvent(job.id(), "approval", "bob");
		CounterSteps.open(key);

		assertThat(job.await(WAIT)).isEqualTo("approved by bob");
	}

	@Test
	void whenNoEventArrivesInTimeThenTheWaitEndsEmpty() {
		assertThat(this.client.start("approval", List.of("", 300)).await(WAIT)).isEqualTo("timed out");
	}

	@Test
	void whenAnEventIsSentToAJobThatHasEndedThenTheClientSaysSo() {
		JobHandle<Object> job = this.client.start("approval", List.of("", 100));
		job.await(WAIT);

		assertThatExceptionOfType(dev.workflow.api.WorkflowException.class)
			.isThrownBy(() -> this.client.sendEvent(job.id(), "approval", "late"))
			.withMessageContaining("has already ended COMPLETED; it takes no more events");
	}

	@Test
	void whenTheWorkflowReadsTheTimeAndARandomNumberThenEveryReplaySeesTheRecordedValues() {
		JobHandle<Object> job = this.client.start("clocked", null);

		Object result = job.await(WAIT);
		List<StepExecutionEntity> history = history(job.id());
		assertThat(history).extracting(StepExecutionEntity::getStepName)
			.containsExactly("workflow.currentTime", "workflow.random", "add");
		assertThat(result).isEqualTo(history.get(0).getOutput() + ":" + history.get(1).getOutput());
	}

	@Test
	void whenTheWorkflowRacesStepsThenTheFirstToCompleteWinsAndTheSlowerResultIsDiscarded() {
		String key = "race-" + UUID.randomUUID();
		JobHandle<Object> job = this.client.start("race", key);

		assertThat(job.await(WAIT)).isEqualTo("fast 42");
		CounterSteps.open(key);
		await().atMost(WAIT).untilAsserted(() -> assertThat(history(job.id()))
			.extracting(StepExecutionEntity::getStepName, StepExecutionEntity::getStatus)
			.containsExactly(tuple("gate", StepStatus.CANCELLED), tuple("add", StepStatus.COMPLETED),
					tuple("workflow.any", StepStatus.COMPLETED)));
		assertThat(job.status()).isEqualTo(JobStatus.COMPLETED);
	}

	@Test
	void whenAnotherHostsClockReordersTheCompletionsOfARaceThenLaterReplaysKeepTheRecordedWinner() {
		String key = "skew-" + UUID.randomUUID();
		JobHandle<Object> job = this.client.start("race_then_hold", List.of(key, false));
		try {
			awaitStepAfterRace(job.id(), key);
			// The fast step's completion as a host whose clock runs an hour ahead would have written it: the slow
			// step, completing now, then seems to have finished first.
			assertThat(this.jdbc.update("update wf_step_execution set finished_at = finished_at + interval '1 hour' "
					+ "where job_id = ? and step_name = 'add'", job.id())).isEqualTo(1);

			CounterSteps.open(key);
			await().atMost(WAIT).until(() -> history(job.id()).get(0).getStatus() != StepStatus.RUNNING);
			CounterSteps.open(key + " after fast 42");

			assertThat(job.await(WAIT)).isEqualTo("passed " + key + " after fast 42");
			assertThat(history(job.id())).extracting(StepExecutionEntity::getStepName)
				.containsExactly("gate", "add", "workflow.any", "gate");
			assertThat(history(job.id()).get(2).getOutput()).isEqualTo("{\"winner\": 1}");
		}
		finally {
			CounterSteps.open(key);
			CounterSteps.open(key + " after fast 42");
		}
	}

	@Test
	void whenTheLoserOfARaceFailsForGoodThenTheJobGoesOnWithTheWinnersValue() {
		String key = "loser-" + UUID.randomUUID();
		JobHandle<Object> job = this.client.start("race_then_hold", List.of(key, true));
		try {
			awaitStepAfterRace(job.id(), key);

			CounterSteps.open(key);
			await().atMost(WAIT).until(() -> history(job.id()).get(0).getStatus() == StepStatus.FAILED);
			assertThat(job.status()).isEqualTo(JobStatus.RUNNING);
			CounterSteps.open(key + " after fast 42");

			assertThat(job.await(WAIT)).isEqualTo("passed " + key + " after fast 42");
			assertThat(history(job.id())).extracting(StepExecutionEntity::getStepName, StepExecutionEntity::getStatus)
				.containsExactly(tuple("gateThenFail", StepStatus.FAILED), tuple("add", StepStatus.COMPLETED),
						tuple("workflow.any", StepStatus.COMPLETED), tuple("gate", StepStatus.COMPLETED));
		}
		finally {
			CounterSteps.open(key);
			CounterSteps.open(key + " after fast 42");
		}
	}

	@Test
	void whenAHistoryWithoutARecordedWinnerIsReplayedThenTheFirstToCompleteStillWins() {
		String key = "old-" + UUID.randomUUID();
		JobHandle<Object> job = this.client.start("race_then_hold", List.of(key, false));
		try {
			awaitStepAfterRace(job.id(), key);
			// The history as the engine wrote it before it recorded winners: the step after the race follows the
			// raced steps at once.
			this.transactions.executeWithoutResult((status) -> {
				assertThat(this.jdbc.update(
						"delete from wf_step_execution where job_id = ? and step_name = 'workflow.any'", job.id()))
					.isEqualTo(1);
				this.jdbc.update(
						"update wf_step_execution set sequence = sequence - 1 where job_id = ? and sequence > 2",
						job.id());
			});

			CounterSteps.open(key);
			await().atMost(WAIT).until(() -> history(job.id()).get(0).getStatus() != StepStatus.RUNNING);
			CounterSteps.open(key + " after fast 42");

			assertThat(job.await(WAIT)).isEqualTo("passed " + key + " after fast 42");
			assertThat(history(job.id())).extracting(StepExecutionEntity::getStepName)
				.containsExactly("gate", "add", "gate");
		}
		finally {
			CounterSteps.open(key);
			CounterSteps.open(key + " after fast 42");
		}
	}

	@Test
	void whenACallOfARaceCallsNoStepThenTheJobFailsSayingSo() {
		JobHandle<Object> job = this.client.start("race_without_step", null);

		assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> job.await(WAIT))
			.withMessageContaining("Each call given to Workflows.any in workflow 'race_without_step' must call exactly "
					+ "one step, but its 2 calls called 1");
		assertThat(history(job.id())).isEmpty();
	}

	/**
	 * Waits until the race of a "race_then_hold" job has been decided and the step after it dispatched.
	 */
	private void awaitStepAfterRace(UUID jobId, String key) {
		await().atMost(WAIT).until(() -> history(jobId).stream()
			.anyMatch((entry) -> ("[\"" + key + " after fast 42\"]").equals(entry.getInput())));
	}

	@Test
	void whenAWorkflowStartsAChildThenItWaitsForTheChildsResult() {
		JobHandle<Object> job = this.client.start("parent", List.of("looping", 6));

		assertThat(job.await(WAIT)).isEqualTo(sumAsPlainJava(6) + 1000);
		List<StepExecutionEntity> history = history(job.id());
		assertThat(history).extracting(StepExecutionEntity::getStepName).containsExactly("workflow.child", "add");
		assertThat(this.jdbc.queryForObject("select workflow_name || ' ' || status from wf_job where parent_entry_id = ?",
				String.class, history.get(0).getId()))
			.isEqualTo("looping COMPLETED");
	}

	@Test
	void whenAPipelineChildCompletesThenItsParentGoesOn() {
		// The pipeline's last step ends a child job, which must resume its parent rather than just complete.
		JobHandle<Object> job = this.client.start("parent", List.of("five_steps", List.of("start")));

		assertThat(job.await(WAIT)).as("the child's result is a list, not a number").isEqualTo(-1 + 1000);
		assertThat(this.jdbc.queryForObject("select workflow_name || ' ' || status from wf_job where parent_entry_id = ?",
				String.class, history(job.id()).get(0).getId()))
			.isEqualTo("five_steps COMPLETED");
	}

	@Test
	void whenAChildFailsThenTheParentFailsWithTheChildsError() {
		JobHandle<Object> job = this.client.start("parent", List.of("flaky", "fatal"));

		assertThatExceptionOfType(JobFailedException.class).isThrownBy(() -> job.await(WAIT))
			.withMessageContaining("of workflow 'flaky' ended FAILED: the card was declined");
	}

	@Test
	void whenAWaitingWorkflowIsCancelledThenItNeverRunsAgainAndTakesNoMoreEvents() {
		JobHandle<Object> job = this.client.start("approval", List.of("", 60_000));
		await().atMost(WAIT).until(() -> history(job.id()).size() == 1);

		this.client.cancel(job.id());

		assertThat(job.status()).isEqualTo(JobStatus.CANCELLED);
		assertThat(history(job.id())).singleElement()
			.satisfies((entry) -> assertThat(entry.getStatus()).isEqualTo(StepStatus.CANCELLED));
		assertThatExceptionOfType(dev.workflow.api.WorkflowException.class)
			.isThrownBy(() -> this.client.sendEvent(job.id(), "approval", "too late"))
			.withMessageContaining("has already ended CANCELLED");
	}

	private static int sumAsPlainJava(int times) {
		int total = 0;
		for (int i = 1; i <= times; i++) {
			total += i;
			if (total > 10) {
				total /= 2;
			}
		}
		return total;
	}

	private List<StepExecutionEntity> history(UUID jobId) {
		return this.transactions.execute((status) -> this.steps.history(jobId, 0));
	}

}
