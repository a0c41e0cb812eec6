package dev.workflow.api;

/**
 * What becomes of the fires of a schedule that were missed: fire times more than
 * {@code workflow.flow.misfire-threshold} ago when an instance comes to them, because no instance could fire them (all
 * stopped, the database unreachable). Fires within the threshold are late, not missed: each starts its job.
 */
public enum MissedFires {

	/** Missed fires start nothing; the schedule goes on from its next fire time after now. */
	SKIP,

	/** The missed fires start one job, for the latest of them; the schedule goes on from there. */
	RUN_ONCE,

	/**
	 * Each missed fire starts its job, oldest first, at most {@code workflow.scheduler.batch-size} per pass of the
	 * background work, until the schedule has caught up.
	 */
	RUN_EACH

}
