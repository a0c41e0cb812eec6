package dev.workflow.test.workflows;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.api.JobInfo;

import org.springframework.stereotype.Component;

/**
 * A step whose outcome the test's database refuses to store: a result, or an error, that contains the word
 * "unrecordable" (a trigger of the test rejects it, as PostgreSQL rejects values it cannot hold).
 */
@Component
@Workflow(name = "unrecordable")
public class UnrecordableWorkflow {

	/** Runs of the step, per job. */
	public static final Map<UUID, AtomicInteger> RUNS = new ConcurrentHashMap<>();

	@Step(order = 1, maxAttempts = 2, initialDelay = "50ms")
	public String produce(String input, JobInfo info) {
		RUNS.computeIfAbsent(info.jobId(), (id) -> new AtomicInteger()).incrementAndGet();
		if (input.equals("error")) {
			throw new IllegalStateException("an unrecordable error");
		}
		return "an unrecordable result";
	}

}
