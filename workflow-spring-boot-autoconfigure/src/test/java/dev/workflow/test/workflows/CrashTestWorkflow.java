package dev.workflow.test.workflows;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.api.JobInfo;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * A step that hangs on the worker the test is going to kill, and completes on any other.
 */
@Component
@Workflow(name = "crash_test")
public class CrashTestWorkflow {

	private final String workerId;

	CrashTestWorkflow(@Value("${workflow.worker.id:}") String workerId) {
		this.workerId = workerId;
	}

	@Step(order = 1, timeout = "5m")
	public String work(String input, JobInfo info) throws InterruptedException {
		if (this.workerId.equals("doomed-worker")) {
			new CountDownLatch(1).await(5, TimeUnit.MINUTES);
		}
		return input + " done by " + this.workerId;
	}

	@Step(order = 2)
	public String after(String input) {
		return input + ", then finished";
	}

}
