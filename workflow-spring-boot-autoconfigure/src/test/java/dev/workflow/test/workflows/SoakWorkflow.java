package dev.workflow.test.workflows;

import java.util.UUID;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.api.JobInfo;

import org.springframework.stereotype.Component;

/**
 * Five steps that each add one to their input; one attempt in five throws, decided by the step execution's id so
 * that a test can tell afterwards which attempts had to fail.
 */
@Component
@Workflow(name = "soak")
public class SoakWorkflow {

	/**
	 * Whether an attempt is one of the one in five that throw.
	 * @param stepExecutionId the attempt's step execution
	 * @return {@code true} if it throws
	 */
	public static boolean failing(UUID stepExecutionId) {
		return Math.floorMod(stepExecutionId.hashCode(), 5) == 0;
	}

	@Step(order = 1, maxAttempts = 3, initialDelay = "20ms", maxDelay = "100ms")
	public int s1(int n, JobInfo info) {
		return next(n, info);
	}

	@Step(order = 2, maxAttempts = 3, initialDelay = "20ms", maxDelay = "100ms")
	public int s2(int n, JobInfo info) {
		return next(n, info);
	}

	@Step(order = 3, maxAttempts = 3, initialDelay = "20ms", maxDelay = "100ms")
	public int s3(int n, JobInfo info) {
		return next(n, info);
	}

	@Step(order = 4, maxAttempts = 3, initialDelay = "20ms", maxDelay = "100ms")
	public int s4(int n, JobInfo info) {
		return next(n, info);
	}

	@Step(order = 5, maxAttempts = 3, initialDelay = "20ms", maxDelay = "100ms")
	public int s5(int n, JobInfo info) {
		return next(n, info);
	}

	private static int next(int n, JobInfo info) {
		if (failing(info.stepExecutionId())) {
			throw new IllegalStateException("injected failure of " + info.step() + " attempt " + info.attempt());
		}
		return n + 1;
	}

}
