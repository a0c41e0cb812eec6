package dev.workflow.test.workflows;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;

import org.springframework.stereotype.Component;

/**
 * Three steps that return their input; the first waits for {@link #gate} when the input is {@code "hold"}.
 */
@Component
@Workflow(name = "pausable")
public class PausableWorkflow {

	/** Holds the first step of a job whose input is {@code "hold"} until opened. */
	public static volatile CountDownLatch gate = new CountDownLatch(0);

	@Step(order = 1)
	public String first(String input) throws InterruptedException {
		if (input.equals("hold")) {
			gate.await(1, TimeUnit.MINUTES);
		}
		return input;
	}

	@Step(order = 2)
	public String second(String input) {
		return input;
	}

	@Step(order = 3)
	public String third(String input) {
		return input;
	}

}
