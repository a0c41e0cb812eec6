package dev.workflow.engine;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.api.JobStatus;
import dev.workflow.api.StepOutcome;
import dev.workflow.engine.EngineFixtures.End;
import dev.workflow.engine.EngineFixtures.Next;
import dev.workflow.engine.EngineFixtures.TestWorkflows;
import dev.workflow.registry.WorkflowDefinition;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static dev.workflow.engine.EngineFixtures.end;
import static dev.workflow.engine.EngineFixtures.next;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * What the pipeline decider decides: steps in their declared order, each result the next one's input, and the
 * redirections a step may ask for. No servers.
 */
class PipelineDeciderUnitTests {

	private static TestWorkflows workflows;

	private static WorkflowDefinition shipping;

	private final PipelineDecider decider = new PipelineDecider();

	@BeforeAll
	static void discover() {
		workflows = EngineFixtures.workflows(Beans.class);
		shipping = workflows.require("shipping");
	}

	@AfterAll
	static void close() {
		workflows.close();
	}

	@Test
	void aJobStartsWithTheFirstStepTakingTheJobsInput() {
		Decision decision = this.decider.start(shipping, text("parcel"), null);

		assertThat(next(decision)).containsExactly(Next.run("pack", "\"parcel\""));
		assertThat(end(decision)).isNull();
		assertThat(decision.percentComplete()).isZero();
	}

	@Test
	void aStepsResultIsTheNextStepsInputAndTheProgressCountsTheStepsDone() {
		Decision decision = this.decider.afterStep(shipping, "pack", result(StepOutcome.Kind.NEXT, "box"));

		assertThat(next(decision)).containsExactly(Next.run("label", "\"box\""));
		assertThat(decision.percentComplete()).isEqualTo(25);
	}

	@Test
	void afterTheLastStepTheJobCompletesWithItsResult() {
		Decision decision = this.decider.afterStep(shipping, "deliver", result(StepOutcome.Kind.NEXT, "signed"));

		assertThat(next(decision)).isEmpty();
		assertThat(end(decision)).isEqualTo(new End(JobStatus.COMPLETED, "\"signed\"", null, null));
		assertThat(decision.percentComplete()).isEqualTo(100);
	}

	@Test
	void aStepThatCompletesTheJobEndsItAtOnceWithItsValue() {
		Decision decision = this.decider.afterStep(shipping, "pack", result(StepOutcome.Kind.COMPLETE, "nothing to ship"));

		assertThat(next(decision)).isEmpty();
		assertThat(end(decision)).isEqualTo(new End(JobStatus.COMPLETED, "\"nothing to ship\"", null, null));
	}

	@Test
	void aStepThatAbortsTheJobEndsItAbortedWithItsReasonAndTheProgressSoFar() {
		Decision decision = this.decider.afterStep(shipping, "label", result(StepOutcome.Kind.ABORT, "address unknown"));

		assertThat(end(decision)).isEqualTo(new End(JobStatus.ABORTED, null, "aborted", "address unknown"));
		assertThat(decision.percentComplete()).isEqualTo(50);
		assertThat(end(this.decider.afterStep(shipping, "label", result(StepOutcome.Kind.ABORT, null))).errorMessage())
			.as("an abort without a reason").isEqualTo("aborted");
	}

	@Test
	void aStepMayGoToALaterStepWhichTakesItsValueAndTheProgressOfTheStepsBefore() {
		Decision decision = this.decider.afterStep(shipping, "pack",
				new StepResult(StepOutcome.Kind.GO_TO, text("express"), "deliver", null, false));

		assertThat(next(decision)).containsExactly(Next.run("deliver", "\"express\""));
		assertThat(decision.percentComplete()).isEqualTo(75);
	}

	@Test
	void aStepMayGoToALaterStepByAnAliasOfIt() {
		Decision decision = this.decider.afterStep(shipping, "pack",
				new StepResult(StepOutcome.Kind.GO_TO, text("express"), "ship", null, false));

		assertThat(next(decision)).containsExactly(Next.run("deliver", "\"express\""));
	}

	@Test
	void whenAStepGoesBackThenTheJobFailsSayingThatAPipelineOnlyMovesForward() {
		Decision decision = this.decider.afterStep(shipping, "label",
				new StepResult(StepOutcome.Kind.GO_TO, null, "pack", null, false));

		End end = end(decision);
		assertThat(end.status()).isEqualTo(JobStatus.FAILED);
		assertThat(end.errorType()).isEqualTo(IllegalStateException.class.getName());
		assertThat(end.errorMessage()).isEqualTo("Step 'label' of workflow 'shipping' asked to go back to step "
				+ "'pack': a pipeline only moves forward. Loop in a workflow method instead, or move the step later.");
		assertThat(next(decision)).isEmpty();
	}

	@Test
	void whenAStepGoesToAStepTheWorkflowDoesNotHaveThenTheJobFailsNamingItsSteps() {
		Decision decision = this.decider.afterStep(shipping, "pack",
				new StepResult(StepOutcome.Kind.GO_TO, null, "fly", null, false));

		assertThat(end(decision).status()).isEqualTo(JobStatus.FAILED);
		assertThat(end(decision).errorMessage()).isEqualTo("Step 'pack' of workflow 'shipping' asked to go to step "
				+ "'fly', which the workflow does not have. Its steps: [pack, label, weigh, deliver].");
	}

	@Test
	void aStepOfAnotherWorkflowIsRefused() {
		assertThatIllegalStateException()
			.isThrownBy(() -> this.decider.afterStep(shipping, "fly", result(StepOutcome.Kind.NEXT, null)))
			.withMessageStartingWith("Step 'fly' is not part of ");
	}

	private static StepResult result(StepOutcome.Kind kind, @Nullable String value) {
		return new StepResult(kind, (value != null) ? text(value) : null, null, null, false);
	}

	private static JsonNode text(String value) {
		return JsonNodeFactory.instance.stringNode(value);
	}

	@Configuration(proxyBeanMethods = false)
	static class Beans {

		@Bean
		Shipping shipping() {
			return new Shipping();
		}

	}

	@Workflow(name = "shipping")
	public static class Shipping {

		@Step(order = 1)
		public String pack(String parcel) {
			return "box";
		}

		@Step(order = 2)
		public String label(String box) {
			return box;
		}

		@Step(order = 3)
		public String weigh(String box) {
			return box;
		}

		@Step(order = 4, aliases = "ship")
		public String deliver(String box) {
			return box;
		}

	}

}
