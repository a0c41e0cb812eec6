package dev.workflow.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A workflow's jobs at a glance: how many are in each status, and how many ended lately.
 *
 * @param name the workflow's name
 * @param kind {@code pipeline} or {@code orchestration}; {@code null} for a workflow that has jobs in the database
 * but is not registered in this application
 * @param steps the workflow's steps, in order for a pipeline
 * @param counts how many jobs are in each status, every status present; a count stops at {@code countLimit}
 * @param countLimit the most a count in {@code counts} goes to: a count that reaches it means at least that many (ended
 * jobs pile up until retention deletes them, and counting them all would read them all)
 * @param completedLastHour how many jobs completed in the last hour
 * @param failedLastHour how many jobs failed in the last hour
 * @param throughput jobs ended per minute over the last minutes, oldest first, one entry per minute
 * @param pausedAt when the workflow was paused ({@link WorkflowClient#pause}), {@code null} if it is not paused
 */
public record WorkflowSummary(String name, @Nullable String kind, List<String> steps, Map<JobStatus, Long> counts,
		long countLimit, long completedLastHour, long failedLastHour, List<Minute> throughput,
		@Nullable Instant pausedAt) {

	/**
	 * Whether the workflow is paused: its steps wait until it is resumed.
	 * @return {@code true} if it is paused
	 */
	public boolean paused() {
		return this.pausedAt != null;
	}

	/**
	 * The jobs of a workflow that ended in one minute.
	 *
	 * @param minute the minute's start
	 * @param completed how many completed in it
	 * @param failed how many failed in it
	 */
	public record Minute(Instant minute, long completed, long failed) {

	}

}
