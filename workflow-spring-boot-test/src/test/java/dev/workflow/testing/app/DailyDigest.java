package dev.workflow.testing.app;

import dev.workflow.annotation.Step;
import dev.workflow.annotation.Workflow;
import dev.workflow.annotation.WorkflowSchedule;

import org.springframework.stereotype.Component;

/**
 * Sends a digest every day at 9:00 UTC.
 */
@Component
@Workflow(name = "daily_digest")
@WorkflowSchedule(cron = "0 0 9 * * *")
public class DailyDigest {

	@Step(order = 1)
	public String send(Object input) {
		return "sent";
	}

}
