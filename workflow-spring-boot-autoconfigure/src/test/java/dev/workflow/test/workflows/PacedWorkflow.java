package dev.workflow.test.workflows;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;

import org.springframework.stereotype.Component;

/**
 * Three steps that each take about 30 ms of work, so that many jobs are in flight at once.
 */
@Component
@Workflow(name = "paced")
public class PacedWorkflow {

	@Step(order = 1)
	public int p1(int n) {
		return work(n);
	}

	@Step(order = 2)
	public int p2(int n) {
		return work(n);
	}

	@Step(order = 3)
	public int p3(int n) {
		return work(n);
	}

	private static int work(int n) {
		LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(30));
		return n + 1;
	}

}
