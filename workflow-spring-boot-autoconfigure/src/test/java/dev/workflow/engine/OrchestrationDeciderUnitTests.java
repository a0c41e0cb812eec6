package dev.workflow.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.JobStatus;
import dev.workflow.api.WorkflowSerializationException;
import dev.workflow.api.Workflows;
import dev.workflow.engine.EngineFixtures.End;
import dev.workflow.engine.EngineFixtures.Kind;
import dev.workflow.engine.EngineFixtures.Next;
import dev.workflow.engine.EngineFixtures.TestWorkflows;
import dev.workflow.store.StepExecutionEntity;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static dev.workflow.engine.EngineFixtures.CLOCK;
import static dev.workflow.engine.EngineFixtures.JSON;
import static dev.workflow.engine.EngineFixtures.completed;
import static dev.workflow.engine.EngineFixtures.end;
import static dev.workflow.engine.EngineFixtures.next;
import static dev.workflow.engine.EngineFixtures.running;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * What the orchestration decider decides by replaying a workflow method against a history built by hand: the next
 * step, a durable sleep, an event wait, a child, parallel steps, a new step context, the job's end. The patches are
 * {@link PatchReplayUnitTests}'. No servers.
 */
class OrchestrationDeciderUnitTests {

	private static TestWorkflows workflows;

	private static OrchestrationDecider decider;

	@BeforeAll
	static void discover() {
		workflows = EngineFixtures.workflows(Beans.class);
		decider = workflows.orchestration(CLOCK, List.of());
	}

	@AfterAll
	static void close() {
		workflows.close();
	}

	@Test
	void aNewJobDispatchesTheFirstStepItsMethodCallsWithTheArgumentsAsInput() {
		Decision decision = replay("order", "\"o-1\"");

		assertThat(next(decision)).containsExactly(Next.run("reserve", "[\"o-1\"]"));
		assertThat(end(decision)).isNull();
	}

	@Test
	void aCompletedStepReturnsItsRecordedResultAndTheSleepThatFollowsWaitsInTheDatabase() {
		Decision decision = replay("order", "\"o-1\"", completed(0, "reserve", "[\"o-1\"]", "\"r-1\""));

		assertThat(next(decision)).containsExactly(new Next(Replay.SLEEP_STEP, Kind.DELAYED, "{\"millis\":300000}",
				null, Duration.ofMinutes(5)));
	}

	@Test
	void afterTheSleepTheNextStepTakesTheRecordedResult() {
		Decision decision = replay("order", "\"o-1\"", completed(0, "reserve", "[\"o-1\"]", "\"r-1\""),
				completed(1, Replay.SLEEP_STEP, "{\"millis\":300000}", null));

		assertThat(next(decision)).containsExactly(Next.run("charge", "[\"r-1\",2]"));
	}

	@Test
	void whenTheMethodReturnsThenTheJobCompletesWithItsResult() {
		Decision decision = replay("order", "\"o-1\"", completed(0, "reserve", "[\"o-1\"]", "\"r-1\""),
				completed(1, Replay.SLEEP_STEP, "{\"millis\":300000}", null),
				completed(2, "charge", "[\"r-1\",2]", "\"paid\""));

		assertThat(next(decision)).isEmpty();
		assertThat(end(decision)).isEqualTo(new End(JobStatus.COMPLETED, "\"paid\"", null, null));
		assertThat(decision.percentComplete()).isEqualTo(100);
	}

	@Test
	void whileAStepRunsTheJobWaitsAndDispatchesNothing() {
		Decision decision = replay("order", "\"o-1\"", running(0, "reserve", "[\"o-1\"]"));

		assertThat(next(decision)).isEmpty();
		assertThat(end(decision)).isNull();
	}

	@Test
	void whenTheMethodThrowsThenTheJobFailsWithWhatItThrew() {
		End end = end(replay("failing", "\"o-1\""));

		assertThat(end.status()).isEqualTo(JobStatus.FAILED);
		assertThat(end.errorType()).isEqualTo(IllegalArgumentException.class.getName());
		assertThat(end.errorMessage()).contains("no such order: o-1");
	}

	@Test
	void whenASleepWouldEndPastTheLatestDueTimeByTheEnginesClockThenTheJobFails() {
		Clock late = Clock.fixed(Instant.parse("9999-12-31T23:58:00Z"), ZoneOffset.UTC);
		OrchestrationDecider lateDecider = workflows.orchestration(late, List.of());

		Decision decision = lateDecider.replay(workflows.require("order"), JSON.parse("\"o-1\""), null,
				new ArrayList<>(List.of(completed(0, "reserve", "[\"o-1\"]", "\"r-1\""))), (name) -> null);

		assertThat(end(decision).status()).isEqualTo(JobStatus.FAILED);
		assertThat(end(decision).errorMessage()).contains("Workflow 'order' cannot sleep for PT5M: it would end "
				+ "after 9999-12-31T23:59:59Z, the latest time the engine stores. Wait for a shorter time.");
	}

	@Test
	void parallelStepsAreDispatchedTogetherAndTheirResultsComeInCallOrder() {
		assertThat(next(replay("fan_out", "null"))).containsExactly(Next.run("reserve", "[\"a\"]"),
				Next.run("reserve", "[\"b\"]"));

		Decision decision = replay("fan_out", "null", completed(0, "reserve", "[\"a\"]", "\"r-a\""),
				completed(1, "reserve", "[\"b\"]", "\"r-b\""));
		assertThat(end(decision)).isEqualTo(new End(JobStatus.COMPLETED, "[\"r-a\",\"r-b\"]", null, null));
	}

	@Test
	void anEventWaitWaitsUntilItsTimeoutAndAnEventSentBeforeIsRecordedAtOnce() {
		assertThat(next(replay("approval", "null"))).containsExactly(new Next(Replay.EVENT_STEP, Kind.DELAYED,
				"{\"name\":\"approved\",\"timeoutMillis\":3600000}", null, Duration.ofHours(1)));

		Decision kept = decider.replay(workflows.require("approval"), null, null, new ArrayList<>(),
				(name) -> name.equals("approved") ? JSON.parse("\"by alice\"") : null);
		assertThat(next(kept)).containsExactly(new Next(Replay.EVENT_STEP, Kind.RECORDED,
				"{\"name\":\"approved\",\"timeoutMillis\":3600000}", "\"by alice\"", null));
		assertThat(end(kept)).isEqualTo(new End(JobStatus.COMPLETED, "\"by alice\"", null, null));
	}

	@Test
	void aChildWorkflowIsAnEntryThatWaitsForTheChildJob() {
		assertThat(next(replay("parent", "\"o-1\""))).containsExactly(
				new Next(Replay.CHILD_ENTRY, Kind.CHILD, "{\"workflow\":\"order\",\"input\":\"o-1\"}", null, null));

		Decision decision = replay("parent", "\"o-1\"",
				completed(0, Replay.CHILD_ENTRY, "{\"workflow\":\"order\",\"input\":\"o-1\"}", "\"paid\""));
		assertThat(end(decision)).isEqualTo(new End(JobStatus.COMPLETED, "\"child: paid\"", null, null));
	}

	@Test
	void aNewStepContextIsRecordedAndBecomesTheJobs() {
		Decision decision = replay("staged", "null");

		assertThat(next(decision)).containsExactly(
				new Next(Replay.CONTEXT_ENTRY, Kind.RECORDED, "{\"stage\":\"paid\"}", null, null),
				Next.run("reserve", "[\"paid\"]"));
		assertThat(decision.stepContext()).hasToString("{\"stage\":\"paid\"}");
	}

	@Test
	void anInputThatDoesNotFitTheMethodsParametersIsRefusedSayingHowToGiveIt() {
		assertThatExceptionOfType(WorkflowSerializationException.class)
			.isThrownBy(() -> decider.validateInput(workflows.require("two_arguments"), JSON.parse("\"o-1\"")))
			.withMessageStartingWith("The input of workflow 'two_arguments' does not fit its @WorkflowMethod run: ")
			.withMessageContaining("it takes 2 arguments: give them as a list of 2 values, in order");
		decider.validateInput(workflows.require("two_arguments"), JSON.parse("[\"o-1\",3]"));
	}

	private static Decision replay(String workflow, String input, StepExecutionEntity... history) {
		JsonNode parsed = JSON.parse(input);
		return decider.replay(workflows.require(workflow), parsed, null, new ArrayList<>(List.of(history)),
				(name) -> null);
	}

	/**
	 * The step context of the staged workflow.
	 * @param stage where the order is
	 */
	public record Stage(String stage) {
	}

	@Configuration(proxyBeanMethods = false)
	static class Beans {

		@Bean
		static StepCallProxies stepCallProxies() {
			return new StepCallProxies();
		}

		@Bean
		Inventory inventory() {
			return new Inventory();
		}

		@Bean
		OrderWorkflow orderWorkflow(Inventory inventory) {
			return new OrderWorkflow(inventory);
		}

		@Bean
		FailingWorkflow failingWorkflow() {
			return new FailingWorkflow();
		}

		@Bean
		FanOutWorkflow fanOutWorkflow(Inventory inventory) {
			return new FanOutWorkflow(inventory);
		}

		@Bean
		ApprovalWorkflow approvalWorkflow() {
			return new ApprovalWorkflow();
		}

		@Bean
		ParentWorkflow parentWorkflow() {
			return new ParentWorkflow();
		}

		@Bean
		StagedWorkflow stagedWorkflow(Inventory inventory) {
			return new StagedWorkflow(inventory);
		}

		@Bean
		TwoArgumentsWorkflow twoArgumentsWorkflow() {
			return new TwoArgumentsWorkflow();
		}

	}

	public static class Inventory {

		@Step
		public String reserve(String order) {
			return "r-" + order;
		}

		@Step
		public String charge(String reservation, int times) {
			return "paid";
		}

	}

	@Workflow(name = "order")
	public static class OrderWorkflow {

		private final Inventory inventory;

		OrderWorkflow(Inventory inventory) {
			this.inventory = inventory;
		}

		@WorkflowMethod
		public String run(String order) {
			String reservation = this.inventory.reserve(order);
			Workflows.sleep(Duration.ofMinutes(5));
			return this.inventory.charge(reservation, 2);
		}

	}

	@Workflow(name = "failing")
	public static class FailingWorkflow {

		@WorkflowMethod
		public String run(String order) {
			throw new IllegalArgumentException("no such order: " + order);
		}

	}

	@Workflow(name = "fan_out")
	public static class FanOutWorkflow {

		private final Inventory inventory;

		FanOutWorkflow(Inventory inventory) {
			this.inventory = inventory;
		}

		@WorkflowMethod
		public List<String> run() {
			return Workflows.all(List.<Supplier<String>>of(() -> this.inventory.reserve("a"),
					() -> this.inventory.reserve("b")));
		}

	}

	@Workflow(name = "approval")
	public static class ApprovalWorkflow {

		@WorkflowMethod
		public @Nullable String run() {
			return Workflows.awaitEvent("approved", Duration.ofHours(1), String.class).orElse("timed out");
		}

	}

	@Workflow(name = "parent")
	public static class ParentWorkflow {

		@WorkflowMethod
		public String run(String order) {
			return "child: " + Workflows.child("order", order, String.class);
		}

	}

	@Workflow(name = "staged", context = Stage.class)
	public static class StagedWorkflow {

		private final Inventory inventory;

		StagedWorkflow(Inventory inventory) {
			this.inventory = inventory;
		}

		@WorkflowMethod
		public String run() {
			Workflows.setStepContext(new Stage("paid"));
			return this.inventory.reserve("paid");
		}

	}

	@Workflow(name = "two_arguments")
	public static class TwoArgumentsWorkflow {

		@WorkflowMethod
		public String run(String order, int times) {
			return order + times;
		}

	}

}
