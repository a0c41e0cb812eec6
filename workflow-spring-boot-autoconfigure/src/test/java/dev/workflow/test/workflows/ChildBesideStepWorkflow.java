package dev.workflow.test.workflows;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.Workflows;

import org.springframework.stereotype.Component;

/**
 * A step and a child job of the {@code blocking} workflow in parallel; the step fails once the test lets it, so the
 * job fails while its child runs.
 */
@Component
@Workflow(name = "child_beside_step")
public class ChildBesideStepWorkflow {

	private final Breaker breaker;

	ChildBesideStepWorkflow(Breaker breaker) {
		this.breaker = breaker;
	}

	@WorkflowMethod
	public List<Object> run(String key) {
		return Workflows.all(List.<Supplier<Object>>of(() -> this.breaker.breakWhenLet(key),
				() -> Workflows.child("blocking", key, String.class)));
	}

	/**
	 * The step that fails when the test lets it.
	 */
	@Component
	public static class Breaker {

		private static final Map<String, CountDownLatch> lets = new ConcurrentHashMap<>();

		/**
		 * Lets the step of a key fail.
		 * @param key the key
		 */
		public static void let(String key) {
			latch(key).countDown();
		}

		private static CountDownLatch latch(String key) {
			return lets.computeIfAbsent(key, (k) -> new CountDownLatch(1));
		}

		@Step(maxAttempts = 1, timeout = "60s")
		public String breakWhenLet(String key) {
			try {
				latch(key).await(60, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			throw new IllegalStateException("branch " + key + " broke");
		}

	}

}
