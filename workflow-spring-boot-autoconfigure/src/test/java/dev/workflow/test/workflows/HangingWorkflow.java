package dev.workflow.test.workflows;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.api.JobInfo;

import org.springframework.stereotype.Component;

/**
 * A step whose first attempt hangs past its timeout, and records that it was interrupted.
 */
@Component
@Workflow(name = "hanging")
public class HangingWorkflow {

	/** Jobs whose hanging attempt saw the interrupt. */
	public static final Set<UUID> INTERRUPTED = ConcurrentHashMap.newKeySet();

	@Step(order = 1, timeout = "500ms", maxAttempts = 2, initialDelay = "50ms")
	public String hangOnce(String input, JobInfo info) {
		if (info.attempt() == 1) {
			try {
				new CountDownLatch(1).await(60, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				INTERRUPTED.add(info.jobId());
				Thread.currentThread().interrupt();
			}
			return "too late";
		}
		return input + " on attempt " + info.attempt();
	}

}
