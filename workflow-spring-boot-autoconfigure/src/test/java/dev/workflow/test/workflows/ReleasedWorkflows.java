package dev.workflow.test.workflows;

import java.time.Duration;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.Workflows;

/**
 * Three releases of one workflow, {@code release}, whose first step changes: the old code, the code with the change
 * behind {@link Workflows#patched}, and the code once the patch is deprecated. Not components: each test context
 * declares the release it runs.
 */
public final class ReleasedWorkflows {

	/** The change's id. */
	public static final String CHANGE = "new-first-step";

	private ReleasedWorkflows() {
	}

	/**
	 * The steps of every release.
	 */
	public static class ReleaseSteps {

		@Step
		public String oldStep(String order) {
			return "old:" + order;
		}

		@Step
		public String newStep(String order) {
			return "new:" + order;
		}

		@Step
		public String finish(String value) {
			return value + ":done";
		}

	}

	/**
	 * The first release: the old first step, then a wait for the event {@code go}.
	 */
	@Workflow(name = "release")
	public static class OldRelease {

		private final ReleaseSteps steps;

		public OldRelease(ReleaseSteps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public String run(String order) {
			String first = this.steps.oldStep(order);
			return this.steps.finish(first + "+" + Workflows.awaitEvent("go", Duration.ofMinutes(5), String.class)
				.orElse("timeout"));
		}

	}

	/**
	 * The second release: the new first step for the jobs that get there under it.
	 */
	@Workflow(name = "release")
	public static class PatchedRelease {

		private final ReleaseSteps steps;

		public PatchedRelease(ReleaseSteps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public String run(String order) {
			String first = Workflows.patched(CHANGE) ? this.steps.newStep(order) : this.steps.oldStep(order);
			return this.steps.finish(first + "+" + Workflows.awaitEvent("go", Duration.ofMinutes(5), String.class)
				.orElse("timeout"));
		}

	}

	/**
	 * The third release: only the new first step, once no job on the old path runs.
	 */
	@Workflow(name = "release")
	public static class DeprecatedRelease {

		private final ReleaseSteps steps;

		public DeprecatedRelease(ReleaseSteps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public String run(String order) {
			Workflows.deprecatePatch(CHANGE);
			String first = this.steps.newStep(order);
			return this.steps.finish(first + "+" + Workflows.awaitEvent("go", Duration.ofMinutes(5), String.class)
				.orElse("timeout"));
		}

	}

}
