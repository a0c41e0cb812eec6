package dev.workflow.engine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.JobStatus;
import dev.workflow.api.Workflows;
import dev.workflow.registry.WorkflowDefinition;
import dev.workflow.registry.WorkflowRegistry;
import dev.workflow.store.StepExecutionEntity;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The rules of {@link Workflows#patched} and {@link Workflows#deprecatePatch} in the replay, and the time it records,
 * driven with histories built by hand: no servers.
 */
class PatchReplayUnitTests {

	private static final UUID JOB = UUID.randomUUID();

	/** The engine's clock in these tests: a replay must read the time from it, never from the system. */
	private static final Clock CLOCK = Clock.fixed(Instant.parse("2031-05-06T07:08:09.123Z"), ZoneOffset.UTC);

	private static AnnotationConfigApplicationContext context;

	private static WorkflowRegistry registry;

	private static OrchestrationDecider decider;

	private static final WorkflowJson json = new WorkflowJson(JsonMapper.builder().build());

	@BeforeAll
	static void bindWorkflows() {
		context = new AnnotationConfigApplicationContext(Beans.class);
		registry = WorkflowRegistry.discover(context, new WorkflowRegistry.TypeChecks() {

			@Override
			public @Nullable String contextProblem(Class<?> contextType) {
				return null;
			}

			@Override
			public @Nullable String valueProblem(java.lang.reflect.Type type) {
				return null;
			}

		});
		EngineSettings settings = new EngineSettings("unit", 1, Duration.ofSeconds(1), 2, Duration.ofSeconds(10), 0,
				List.of(), Duration.ofMinutes(1), Duration.ofMinutes(1), 10, Duration.ofMinutes(1), 0,
				Duration.ofMinutes(1), 3, 3, Duration.ofHours(1), Duration.ofMillis(500), Duration.ofSeconds(30),
				100, Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(5), Map.of(), CLOCK);
		Map<String, StepInvoker> invokers = new HashMap<>();
		registry.callableSteps()
			.forEach((name, step) -> invokers.put(name, StepInvoker.bindCallable(step, json, List.of(), settings)));
		decider = new OrchestrationDecider(json, CLOCK, invokers::get);
	}

	@AfterAll
	static void close() {
		context.close();
	}

	@Test
	void whenTheJobGetsToThePatchNowThenItRecordsTheMarkerAndTakesTheNewPath() {
		Decision decision = replay("patched", List.of());

		assertThat(decision.end()).isNull();
		assertThat(decision.dispatches()).extracting(Decision.Dispatch::step,
				(dispatch) -> dispatch instanceof Decision.RecordedValue,
				(dispatch) -> String.valueOf(dispatch.input()))
			.containsExactly(tuple("workflow.patch", true, "{\"id\":\"x\"}"), tuple("newStep", false, "[\"in\"]"));
	}

	@Test
	void whenTheHistoryRecordsTheMarkerThenItIsConsumedAndTheNewPathGoesOn() {
		Decision decision = replay("patched", List.of(marker(0, "x"), completed(1, "newStep", "[\"in\"]", "\"new:in\"")));

		assertThat(decision.dispatches()).extracting(Decision.Dispatch::step, (dispatch) -> String.valueOf(dispatch.input()))
			.containsExactly(tuple("finish", "[\"new:in\"]"));
	}

	@Test
	void whenTheJobPassedThePatchUnderTheOldCodeThenNothingIsConsumedAndTheOldPathMatches() {
		Decision decision = replay("patched", List.of(completed(0, "oldStep", "[\"in\"]", "\"old:in\"")));

		assertThat(decision.end()).isNull();
		assertThat(decision.dispatches()).extracting(Decision.Dispatch::step, (dispatch) -> String.valueOf(dispatch.input()))
			.containsExactly(tuple("finish", "[\"old:in\"]"));
	}

	@Test
	void whenTheOldStepStillRunsThenTheJobWaitsOnTheOldPath() {
		StepExecutionEntity running = new StepExecutionEntity(UUID.randomUUID(), JOB, 0, "oldStep", 1, "[\"in\"]",
				Instant.now());

		Decision decision = replay("patched", List.of(running));

		assertThat(decision.end()).isNull();
		assertThat(decision.dispatches()).isEmpty();
	}

	@Test
	void whenTheHistoryRecordsTheMarkerOfAnotherChangeThenTheOldPathRunsAndTheHistoryIsOfANewerRelease() {
		// A marker of a change this code does not make: a newer release wrote the history, this instance is behind.
		assertThatExceptionOfType(HistoryAheadException.class).isThrownBy(() -> replay("patched", List.of(marker(0, "y"))))
			.satisfies((ahead) -> assertThat(ahead.mismatch().getMessage()).contains(
					"entry 0 records step 'workflow.patch'", "the code now calls step 'oldStep'"))
			.withMessageContaining("written by a newer release of workflow 'patched'");
	}

	@Test
	void whenAPatchIsDeprecatedThenAJobRecordedWithTheMarkerReplays() {
		Decision decision = replay("deprecated",
				List.of(marker(0, "x"), completed(1, "newStep", "[\"in\"]", "\"new:in\"")));

		assertThat(decision.dispatches()).extracting(Decision.Dispatch::step, (dispatch) -> String.valueOf(dispatch.input()))
			.containsExactly(tuple("finish", "[\"new:in\"]"));
	}

	@Test
	void whenAPatchIsDeprecatedThenANewJobRecordsNoMarker() {
		Decision decision = replay("deprecated", List.of());

		assertThat(decision.dispatches()).extracting(Decision.Dispatch::step).containsExactly("newStep");
	}

	@Test
	void whenAPatchIsDeprecatedThenAJobOnTheOldPathFailsPointingToPatched() {
		Decision decision = replay("deprecated", List.of(completed(0, "oldStep", "[\"in\"]", "\"old:in\"")));

		assertThat(decision.end().status()).isEqualTo(JobStatus.FAILED);
		assertThat(decision.end().error().message())
			.contains("entry 0 records step 'oldStep' with arguments [\"in\"], but the code now calls step 'newStep' "
					+ "with arguments [\"in\"]")
			.contains("Workflows.patched(\"a-change-id\")");
	}

	@Test
	void whenTheHistoryDoesNotMatchThenTheMismatchCarriesBothSides() {
		OrchestrationDecider.Run run = decider.run(registry.require("deprecated"), json.parse("\"in\""), null,
				List.of(completed(0, "oldStep", "[\"in\"]", "\"old:in\"")), (name) -> null);

		Replay.NondeterminismException mismatch = run.replay().divergence();
		assertThat(mismatch).isNotNull();
		assertThat(mismatch.workflow()).isEqualTo("deprecated");
		assertThat(mismatch.position()).isZero();
		assertThat(mismatch.recordedStep()).isEqualTo("oldStep");
		assertThat(mismatch.recordedInput()).hasToString("[\"in\"]");
		assertThat(mismatch.calledStep()).isEqualTo("newStep");
		assertThat(mismatch.calledInput()).hasToString("[\"in\"]");
	}

	@Test
	void whenPatchedIsCalledInsideAGroupThenTheJobFailsWithAClearError() {
		Decision decision = replay("patch_in_group", List.of());

		assertThat(decision.end().status()).isEqualTo(JobStatus.FAILED);
		assertThat(decision.end().error().type()).isEqualTo(IllegalStateException.class.getName());
		assertThat(decision.end().error().message())
			.contains("Workflows.patched(\"x\") was called inside the calls given to Workflows.all or Workflows.any "
					+ "in workflow 'patch_in_group'");
	}

	@Test
	void whenAWorkflowFirstAsksForTheTimeThenTheReplayRecordsTheEnginesClock() {
		Decision decision = replay("clock", List.of());

		assertThat(decision.dispatches()).extracting(Decision.Dispatch::step,
				(dispatch) -> dispatch instanceof Decision.RecordedValue,
				(dispatch) -> String.valueOf(
						(dispatch instanceof Decision.RecordedValue recorded) ? recorded.output() : null))
			.containsExactly(tuple("workflow.currentTime", true, String.valueOf(CLOCK.millis())),
					tuple("finish", false, "null"));
		assertThat(decision.dispatches().get(1).input()).hasToString("[\"2031-05-06T07:08:09.123Z\"]");
	}

	@Test
	void whenTheTimeIsRecordedThenTheReplayReturnsItAndNotTheClock() {
		long recorded = Instant.parse("2020-01-02T03:04:05Z").toEpochMilli();
		StepExecutionEntity time = new StepExecutionEntity(UUID.randomUUID(), JOB, 0, "workflow.currentTime", 1,
				"null", Instant.now());
		time.recordCompleted(String.valueOf(recorded), Instant.now());

		Decision decision = replay("clock", List.of(time));

		assertThat(decision.dispatches()).extracting(Decision.Dispatch::step, (dispatch) -> String.valueOf(dispatch.input()))
			.containsExactly(tuple("finish", "[\"2020-01-02T03:04:05Z\"]"));
	}

	@Test
	void whenPatchedIsCalledOutsideAWorkflowMethodThenItIsRefused() {
		assertThatIllegalStateException().isThrownBy(() -> Workflows.patched("x"))
			.withMessageContaining("Workflows.patched may only be called from a @WorkflowMethod");
		assertThatIllegalStateException().isThrownBy(() -> Workflows.deprecatePatch("x"))
			.withMessageContaining("Workflows.deprecatePatch may only be called from a @WorkflowMethod");
	}

	private static Decision replay(String workflow, List<StepExecutionEntity> history) {
		WorkflowDefinition definition = registry.require(workflow);
		return decider.replay(definition, json.parse("\"in\""), null, new ArrayList<>(history), (name) -> null);
	}

	private static StepExecutionEntity marker(int sequence, String id) {
		JsonNode input = JsonNodeFactory.instance.objectNode().put("id", id);
		StepExecutionEntity entry = new StepExecutionEntity(UUID.randomUUID(), JOB, sequence, "workflow.patch", 1,
				json.write(input), Instant.now());
		entry.recordCompleted(null, Instant.now());
		return entry;
	}

	private static StepExecutionEntity completed(int sequence, String step, String input, String output) {
		StepExecutionEntity entry = new StepExecutionEntity(UUID.randomUUID(), JOB, sequence, step, 1, input,
				Instant.now());
		entry.recordCompleted(output, Instant.now());
		return entry;
	}

	@Configuration(proxyBeanMethods = false)
	static class Beans {

		@Bean
		static StepCallProxies stepCallProxies() {
			return new StepCallProxies();
		}

		@Bean
		PatchSteps patchSteps() {
			return new PatchSteps();
		}

		@Bean
		PatchedWorkflow patchedWorkflow(PatchSteps steps) {
			return new PatchedWorkflow(steps);
		}

		@Bean
		DeprecatedWorkflow deprecatedWorkflow(PatchSteps steps) {
			return new DeprecatedWorkflow(steps);
		}

		@Bean
		PatchInGroupWorkflow patchInGroupWorkflow(PatchSteps steps) {
			return new PatchInGroupWorkflow(steps);
		}

		@Bean
		ClockWorkflow clockWorkflow(PatchSteps steps) {
			return new ClockWorkflow(steps);
		}

	}

	public static class PatchSteps {

		@Step
		public String oldStep(String in) {
			return "old:" + in;
		}

		@Step
		public String newStep(String in) {
			return "new:" + in;
		}

		@Step
		public String finish(String in) {
			return in + ":done";
		}

	}

	@Workflow(name = "patched")
	public static class PatchedWorkflow {

		private final PatchSteps steps;

		PatchedWorkflow(PatchSteps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public String run(String in) {
			String first = Workflows.patched("x") ? this.steps.newStep(in) : this.steps.oldStep(in);
			return this.steps.finish(first);
		}

	}

	@Workflow(name = "clock")
	public static class ClockWorkflow {

		private final PatchSteps steps;

		ClockWorkflow(PatchSteps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public String run(String in) {
			return this.steps.finish(Workflows.currentTime().toString());
		}

	}

	@Workflow(name = "deprecated")
	public static class DeprecatedWorkflow {

		private final PatchSteps steps;

		DeprecatedWorkflow(PatchSteps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public String run(String in) {
			Workflows.deprecatePatch("x");
			return this.steps.finish(this.steps.newStep(in));
		}

	}

	@Workflow(name = "patch_in_group")
	public static class PatchInGroupWorkflow {

		private final PatchSteps steps;

		PatchInGroupWorkflow(PatchSteps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public List<String> run(String in) {
			return Workflows.all(List.<Supplier<String>>of(
					() -> Workflows.patched("x") ? this.steps.newStep(in) : this.steps.oldStep(in)));
		}

	}

}
