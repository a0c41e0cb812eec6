package dev.workflow.test.workflows;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;

import org.springframework.stereotype.Component;

/**
 * A step whose runs each wait, deaf to interrupts, until the test releases them: the first run stands for a worker
 * that lost its lease (a long pause, a cut-off database) and returns late, the second for the run that took its
 * place.
 */
@Component
@Workflow(name = "late_worker")
public class LateWorkerWorkflow {

	/** Released once per run, when it starts. */
	public static final Semaphore STARTED = new Semaphore(0);

	/** Runs so far. */
	public static final AtomicInteger RUNS = new AtomicInteger();

	/** Lets the first run return. */
	public static final CountDownLatch RELEASE_FIRST = new CountDownLatch(1);

	/** Lets the later runs return. */
	public static final CountDownLatch RELEASE_OTHERS = new CountDownLatch(1);

	@Step(order = 1, timeout = "60s")
	public String work(String input) {
		int run = RUNS.incrementAndGet();
		STARTED.release();
		CountDownLatch release = (run == 1) ? RELEASE_FIRST : RELEASE_OTHERS;
		boolean interrupted = false;
		while (release.getCount() > 0) {
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
		return input + " by run " + run;
	}

}
