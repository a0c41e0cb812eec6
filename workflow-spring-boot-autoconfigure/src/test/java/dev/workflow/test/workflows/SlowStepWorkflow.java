package dev.workflow.test.workflows;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;

import org.springframework.stereotype.Component;

/**
 * A first step that works for 1.5 s (and stops when interrupted), then a quick one; and a workflow whose slow step comes
 * second, run in-process after the first.
 */
@Component
@Workflow(name = "slow_step")
public class SlowStepWorkflow {

	@Step(order = 1, initialDelay = "100ms")
	public int slow(int n) throws InterruptedException {
		new CountDownLatch(1).await(1500, TimeUnit.MILLISECONDS);
		return n + 1;
	}

	@Step(order = 2)
	public int quick(int n) {
		return n + 1;
	}

	/**
	 * A quick step, then the slow one, then a quick one.
	 */
	@Component
	@Workflow(name = "slow_second_step")
	public static class SlowSecondStep {

		@Step(order = 1)
		public int first(int n) {
			return n + 1;
		}

		@Step(order = 2)
		public int slow(int n) throws InterruptedException {
			new CountDownLatch(1).await(1500, TimeUnit.MILLISECONDS);
			return n + 1;
		}

		@Step(order = 3)
		public int last(int n) {
			return n + 1;
		}

	}

}
