package dev.workflow.test.workflows;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.Workflows;

import org.springframework.stereotype.Component;

/**
 * Orchestrated workflows with a step that fails, with no retries, until the test repairs its key: jobs to retry from
 * their failed step.
 */
@Component
@Workflow(name = "repairable")
public class RepairableWorkflow {

	private static final Set<String> repaired = ConcurrentHashMap.newKeySet();

	private final CounterSteps counter;

	private final Parts parts;

	RepairableWorkflow(CounterSteps counter, Parts parts) {
		this.counter = counter;
		this.parts = parts;
	}

	/**
	 * Lets the step of a key succeed from now on.
	 * @param key the key
	 */
	public static void repair(String key) {
		repaired.add(key);
	}

	@WorkflowMethod
	public String run(String key) {
		int sum = this.counter.add(1, 2);
		return this.parts.fragile(key) + " " + sum;
	}

	/**
	 * The fragile step and a gate in parallel: when the fragile one fails, the job fails, and the gate's result, once
	 * the test opens it, is cancelled.
	 */
	@Component
	@Workflow(name = "repairable_parallel")
	public static class InParallel {

		private final CounterSteps counter;

		private final Parts parts;

		InParallel(CounterSteps counter, Parts parts) {
			this.counter = counter;
			this.parts = parts;
		}

		@WorkflowMethod
		public List<String> run(String key) {
			return Workflows.all(List.<Supplier<String>>of(() -> this.parts.fragile(key), () -> gate(key)));
		}

		String gate(String key) {
			try {
				return this.counter.gate(key);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

	}

	/**
	 * {@link InParallel} one job at a time, whose fragile step fails only once the gate runs: its failure leaves the
	 * gate running.
	 */
	@Component
	@Workflow(name = "repairable_parallel_limited", concurrency = 1)
	public static class LimitedInParallel extends InParallel {

		private final Parts parts;

		LimitedInParallel(CounterSteps counter, Parts parts) {
			super(counter, parts);
			this.parts = parts;
		}

		@Override
		@WorkflowMethod
		public List<String> run(String key) {
			return Workflows.all(List.<Supplier<String>>of(() -> this.parts.fragileOnceGateRuns(key), () -> gate(key)));
		}

	}

	/**
	 * The step that fails until repaired.
	 */
	@Component
	public static class Parts {

		@Step(maxAttempts = 1)
		public String fragileOnceGateRuns(String key) {
			try {
				CounterSteps.awaitGateRunning(key);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			return fragile(key);
		}

		@Step(maxAttempts = 1)
		public String fragile(String key) {
			if (!repaired.contains(key)) {
				throw new IllegalStateException("part " + key + " is broken");
			}
			return "repaired " + key;
		}

	}

}
