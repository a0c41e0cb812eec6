package dev.workflow.test.workflows;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.Workflows;

import org.springframework.stereotype.Component;

/**
 * Workflows written as code.
 */
public final class OrchestratedWorkflows {

	private OrchestratedWorkflows() {
	}

	/**
	 * PyWorkflow's step context example.
	 */
	@Component
	@Workflow(name = "process_order", context = OrderContext.class)
	public static class ProcessOrder {

		private final OrderSteps steps;

		ProcessOrder(OrderSteps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public Map<String, Object> processOrder(String orderId, String userId) {
			Workflows.setStepContext(new OrderContext("", userId, orderId));
			return this.steps.validateOrder(null);
		}

	}

	/**
	 * A loop and a branch on step results.
	 */
	@Component
	@Workflow(name = "looping")
	public static class Looping {

		private final CounterSteps counter;

		Looping(CounterSteps counter) {
			this.counter = counter;
		}

		@WorkflowMethod
		public int sum(int times) {
			int total = 0;
			for (int i = 1; i <= times; i++) {
				total = this.counter.add(total, i);
				if (total > 10) {
					total = this.counter.halve(total);
				}
			}
			return total;
		}

	}

	/**
	 * Changes the step context between steps.
	 */
	@Component
	@Workflow(name = "context_switch", context = OrderContext.class)
	public static class ContextSwitch {

		private final OrderSteps steps;

		ContextSwitch(OrderSteps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public String run() {
			Workflows.setStepContext(new OrderContext("w", "u", "first"));
			String first = this.steps.whoAmI(null);
			Workflows.setStepContext(new OrderContext("w", "u", first + "-then-second"));
			return first + "," + this.steps.whoAmI(null);
		}

	}

	/**
	 * Calls a step that tries to set the step context.
	 */
	@Component
	@Workflow(name = "step_sets_context", context = OrderContext.class)
	public static class StepSetsContext {

		private final OrderSteps steps;

		StepSetsContext(OrderSteps steps) {
			this.steps = steps;
		}

		@WorkflowMethod
		public String run() {
			return this.steps.trySetContext();
		}

	}

	/**
	 * Code that changes while a job runs: which path it takes depends on a flag a test flips.
	 */
	@Component
	@Workflow(name = "changing")
	public static class Changing {

		/** Whether the "new" code runs. */
		public static volatile boolean newCode;

		private final CounterSteps counter;

		Changing(CounterSteps counter) {
			this.counter = counter;
		}

		@WorkflowMethod
		public String run(String key) throws InterruptedException {
			int first = newCode ? this.counter.halve(4) : this.counter.add(1, 2);
			return this.counter.gate(key) + " with " + first;
		}

	}

	/**
	 * Fans out parallel steps, then sleeps durably, then sums.
	 */
	@Component
	@Workflow(name = "fan_out")
	public static class FanOut {

		private final CounterSteps counter;

		FanOut(CounterSteps counter) {
			this.counter = counter;
		}

		@WorkflowMethod
		public int run(int width, long sleepMillis) {
			List<Integer> parts = Workflows.all(IntStream.range(0, width)
				.mapToObj((i) -> (Supplier<Integer>) () -> this.counter.add(i, 100))
				.toList());
			Workflows.sleep(Duration.ofMillis(sleepMillis));
			return parts.stream().mapToInt(Integer::intValue).sum();
		}

	}

	/**
	 * Sleeps durably between two steps.
	 */
	@Component
	@Workflow(name = "sleeper")
	public static class Sleeper {

		private final CounterSteps counter;

		Sleeper(CounterSteps counter) {
			this.counter = counter;
		}

		@WorkflowMethod
		public int run(long millis) {
			int before = this.counter.add(1, 1);
			Workflows.sleep(Duration.ofMillis(millis));
			return this.counter.add(before, 1);
		}

	}

	/**
	 * Calls one step a given number of times in a row.
	 */
	@Component
	@Workflow(name = "sequential")
	public static class Sequential {

		private final CounterSteps counter;

		Sequential(CounterSteps counter) {
			this.counter = counter;
		}

		@WorkflowMethod
		public int run(int steps) {
			int total = 0;
			for (int i = 0; i < steps; i++) {
				total = this.counter.add(total, 1);
			}
			return total;
		}

	}

	/**
	 * Waits for an approval event, after an optional gate step.
	 */
	@Component
	@Workflow(name = "approval")
	public static class Approval {

		private final CounterSteps counter;

		Approval(CounterSteps counter) {
			this.counter = counter;
		}

		@WorkflowMethod
		public String run(String gate, long timeoutMillis) throws InterruptedException {
			if (!gate.isEmpty()) {
				this.counter.gate(gate);
			}
			return Workflows.awaitEvent("approval", Duration.ofMillis(timeoutMillis), String.class)
				.map((approver) -> "approved by " + approver)
				.orElse("timed out");
		}

	}

	/**
	 * Reads the time and a random number, then calls a step, so that its result comes from a replay.
	 */
	@Component
	@Workflow(name = "clocked")
	public static class Clocked {

		private final CounterSteps counter;

		Clocked(CounterSteps counter) {
			this.counter = counter;
		}

		@WorkflowMethod
		public String run() {
			Instant now = Workflows.currentTime();
			long random = Workflows.random();
			this.counter.add(1, 1);
			return now.toEpochMilli() + ":" + random;
		}

	}

	/**
	 * Races a step held at a gate against one that passes at once.
	 */
	@Component
	@Workflow(name = "race")
	public static class Race {

		private final CounterSteps counter;

		Race(CounterSteps counter) {
			this.counter = counter;
		}

		@WorkflowMethod
		public String run(String key) {
			return Workflows.any(List.of(() -> {
				try {
					return this.counter.gate(key);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new IllegalStateException(ex);
				}
			}, () -> "fast " + this.counter.add(20, 22)));
		}

	}

	/**
	 * Races a step held at a gate (one that passes, or fails, once the gate opens) against one that passes at once,
	 * then holds the winner's value at a second gate, so that the job still runs when the slower step ends. The hold
	 * is a fan-out (of one), which waits for its own steps only, not for the race's loser.
	 */
	@Component
	@Workflow(name = "race_then_hold")
	public static class RaceThenHold {

		private final CounterSteps counter;

		RaceThenHold(CounterSteps counter) {
			this.counter = counter;
		}

		@WorkflowMethod
		public String run(String key, boolean slowFails) {
			String winner = Workflows.any(List.of(() -> slow(key, slowFails), () -> "fast " + this.counter.add(20, 22)));
			return Workflows.all(List.<Supplier<String>>of(() -> gate(key + " after " + winner))).get(0);
		}

		private String gate(String key) {
			try {
				return this.counter.gate(key);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		private String slow(String key, boolean fails) {
			try {
				return fails ? this.counter.gateThenFail(key) : this.counter.gate(key);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

	}

	/**
	 * Races a step against a value that no step computes.
	 */
	@Component
	@Workflow(name = "race_without_step")
	public static class RaceWithoutStep {

		private final CounterSteps counter;

		RaceWithoutStep(CounterSteps counter) {
			this.counter = counter;
		}

		@WorkflowMethod
		public int run() {
			return Workflows.any(List.of(() -> this.counter.add(1, 1), () -> 5));
		}

	}

	/**
	 * Starts a child workflow and awaits it.
	 */
	@Component
	@Workflow(name = "parent")
	public static class Parent {

		private final CounterSteps counter;

		Parent(CounterSteps counter) {
			this.counter = counter;
		}

		@WorkflowMethod
		public int run(String childWorkflow, Object childInput) {
			Object child = Workflows.child(childWorkflow, childInput, Object.class);
			return this.counter.add((child instanceof Integer number) ? number : -1, 1000);
		}

	}

}
