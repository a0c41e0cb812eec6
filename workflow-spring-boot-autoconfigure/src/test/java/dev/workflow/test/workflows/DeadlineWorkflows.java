package dev.workflow.test.workflows;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowMethod;
import dev.workflow.api.Workflows;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Workflows with deadlines: a workflow method with a timeout that waits for a child, and a pipeline whose step is
 * held until opened.
 */
@Configuration(proxyBeanMethods = false)
public class DeadlineWorkflows {

	/** Holds the step of {@link HeldStep} until opened. */
	public static volatile CountDownLatch gate = new CountDownLatch(0);

	@Bean
	ParentWithTimeout parentWithTimeout() {
		return new ParentWithTimeout();
	}

	@Bean
	HeldStep heldStep() {
		return new HeldStep();
	}

	/** Starts a child of {@code held_step} and waits for it; a job may take two seconds. */
	@Workflow(name = "parent_with_timeout", timeout = "2s")
	public static class ParentWithTimeout {

		@WorkflowMethod
		public String run(String input) {
			return Workflows.child("held_step", input, String.class);
		}

	}

	/** One step that waits for {@link #gate}, then returns its input; no deadline of its own. */
	@Workflow(name = "held_step")
	public static class HeldStep {

		@Step(order = 1)
		public String held(String input) throws InterruptedException {
			gate.await(1, TimeUnit.MINUTES);
			return input;
		}

	}

}
