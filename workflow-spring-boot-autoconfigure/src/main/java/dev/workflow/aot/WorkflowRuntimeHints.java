package dev.workflow.aot;

import dev.workflow.api.BulkResult;
import dev.workflow.api.Job;
import dev.workflow.api.JobAction;
import dev.workflow.api.JobError;
import dev.workflow.api.JobInfo;
import dev.workflow.api.Schedule;
import dev.workflow.api.ScheduleRequest;
import dev.workflow.api.StepExecution;
import dev.workflow.api.WorkflowSummary;
import dev.workflow.transport.StepMessage;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * The engine's own needs in a native image: its migrations and the dashboard's files, read as resources, and the
 * types it writes and reads as JSON (step messages, and the API's values that the REST API returns).
 */
class WorkflowRuntimeHints implements RuntimeHintsRegistrar {

	/** Where the migrations are, as a resource pattern. */
	static final String MIGRATIONS = "dev/workflow/store/migration/*.sql";

	/** Where the dashboard's files are, as resource patterns. */
	static final String[] DASHBOARD = { "dev/workflow/web/dashboard/*", "dev/workflow/web/dashboard/assets/*" };

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources().registerPattern(MIGRATIONS);
		for (String pattern : DASHBOARD) {
			hints.resources().registerPattern(pattern);
		}
		new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(), StepMessage.class,
				Job.class, JobError.class, JobInfo.class, StepExecution.class, WorkflowSummary.class, Schedule.class,
				ScheduleRequest.class, JobAction.class, BulkResult.class);
	}

}
