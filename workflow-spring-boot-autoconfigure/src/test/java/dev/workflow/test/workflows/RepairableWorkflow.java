package dev.workflow.test.workflows;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;

import org.springframework.stereotype.Component;

/**
 * An orchestrated workflow whose second step fails, with no retries, until the test repairs its key: a job to retry
 * from its failed step.
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
	 * The step that fails until repaired.
	 */
	@Component
	public static class Parts {

		@Step(maxAttempts = 1)
		public String fragile(String key) {
			if (!repaired.contains(key)) {
				throw new IllegalStateException("part " + key + " is broken");
			}
			return "repaired " + key;
		}

	}

}
