package dev.workflow.test.workflows;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.api.JobInfo;

import org.springframework.stereotype.Component;

/**
 * A first step that runs until the test releases its job, and a second step that counts its runs.
 */
@Component
@Workflow(name = "blocking")
public class BlockingWorkflow {

	private static final Map<UUID, CountDownLatch> releases = new ConcurrentHashMap<>();

	/** How often the second step ran, per job. */
	public static final Map<UUID, Integer> SECOND_STEP_RUNS = new ConcurrentHashMap<>();

	/**
	 * Lets the first step of a job return.
	 * @param jobId the job
	 */
	public static void release(UUID jobId) {
		latch(jobId).countDown();
	}

	private static CountDownLatch latch(UUID jobId) {
		return releases.computeIfAbsent(jobId, (id) -> new CountDownLatch(1));
	}

	@Step(order = 1, timeout = "60s")
	public String block(String input, JobInfo info) throws InterruptedException {
		latch(info.jobId()).await(60, TimeUnit.SECONDS);
		return input + "-1";
	}

	@Step(order = 2)
	public String second(String input, JobInfo info) {
		SECOND_STEP_RUNS.merge(info.jobId(), 1, Integer::sum);
		return input + "-2";
	}

}
