package dev.workflow.test.workflows;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Three steps that a worker runs in-process, one after the other; the second hangs on the worker the test is going to
 * kill, and completes on any other.
 */
@Component
@Workflow(name = "crash_chain")
public class CrashChainWorkflow {

	private final String workerId;

	CrashChainWorkflow(@Value("${workflow.worker.id:}") String workerId) {
		this.workerId = workerId;
	}

	@Step(order = 1)
	public String first(String input) {
		return input + " first by " + this.workerId;
	}

	@Step(order = 2, timeout = "5m")
	public String second(String input) throws InterruptedException {
		if (this.workerId.equals("doomed-worker")) {
			new CountDownLatch(1).await(5, TimeUnit.MINUTES);
		}
		return input + ", second by " + this.workerId;
	}

	@Step(order = 3)
	public String third(String input) {
		return input + ", third by " + this.workerId;
	}

}
