package dev.workflow.testing;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.Workflows;

/**
 * Releases of two workflows, {@code shipping} (orchestrated) and {@code packing} (a pipeline), as the replay tests
 * change them. Not components: each test application declares the release it runs.
 */
final class Releases {

	private Releases() {
	}

	public static class ShippingSteps {

		@Step
		public String reserve(String order) {
			return "reserved " + order;
		}

		@Step
		public String charge(String order) {
			return "charged " + order;
		}

		@Step
		public String ship(String order) {
			return "shipped " + order;
		}

	}

	/**
	 * The code the jobs ran: reserve, charge, ship.
	 */
	@Workflow(name = "shipping")
	public static class Shipping {

		private final ShippingSteps steps;

		Shipping(ShippingSteps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public String run(String order) {
			this.steps.reserve(order);
			this.steps.charge(order);
			return this.steps.ship(order);
		}

	}

	/**
	 * A change that swaps the first two steps.
	 */
	@Workflow(name = "shipping")
	public static class SwappedShipping {

		private final ShippingSteps steps;

		SwappedShipping(ShippingSteps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public String run(String order) {
			this.steps.charge(order);
			this.steps.reserve(order);
			return this.steps.ship(order);
		}

	}

	/**
	 * The swap behind {@link Workflows#patched}: the jobs that reserved first keep doing so.
	 */
	@Workflow(name = "shipping")
	public static class PatchedShipping {

		private final ShippingSteps steps;

		PatchedShipping(ShippingSteps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public String run(String order) {
			if (Workflows.patched("charge-first")) {
				this.steps.charge(order);
				this.steps.reserve(order);
			}
			else {
				this.steps.reserve(order);
				this.steps.charge(order);
			}
			return this.steps.ship(order);
		}

	}

	/**
	 * A change that ends after the first step.
	 */
	@Workflow(name = "shipping")
	public static class ShortShipping {

		private final ShippingSteps steps;

		ShortShipping(ShippingSteps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public String run(String order) {
			return this.steps.reserve(order);
		}

	}

	/**
	 * The pipeline the jobs ran: pick, then pack.
	 */
	@Workflow(name = "packing")
	public static class Packing {

		@Step(order = 1)
		public String pick(String order) {
			return "picked " + order;
		}

		@Step(order = 2)
		public String pack(String picked) {
			return picked + ", packed";
		}

	}

	/**
	 * A change that renames the pipeline's second step.
	 */
	@Workflow(name = "packing")
	public static class RenamedPacking {

		@Step(order = 1)
		public String pick(String order) {
			return "picked " + order;
		}

		@Step(order = 2)
		public String box(String picked) {
			return picked + ", boxed";
		}

	}

}
