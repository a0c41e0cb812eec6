package dev.workflow.test.workflows;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.api.JobInfo;
import org.slf4j.MDC;

import org.springframework.stereotype.Component;

/**
 * A step that records what the logging context (MDC) holds while it runs.
 */
@Component
@Workflow(name = "logging_context")
public class LoggingContextWorkflow {

	/** What each job's step saw in the logging context: job id, workflow and step. */
	public static final Map<UUID, List<String>> SEEN = new ConcurrentHashMap<>();

	@Step(order = 1)
	public String look(String input, JobInfo info) {
		SEEN.put(info.jobId(), Arrays.asList(MDC.get("jobId"), MDC.get("workflow"), MDC.get("step")));
		return input;
	}

}
