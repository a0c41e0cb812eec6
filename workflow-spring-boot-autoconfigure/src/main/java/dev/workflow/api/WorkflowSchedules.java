package dev.workflow.api;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The schedules that start jobs on cron expressions, across every instance: those declared with
 * {@link dev.workflow.annotation.WorkflowSchedule @WorkflowSchedule} and those saved here at run time. Each fire of a
 * schedule starts exactly one job, whichever instance fires it: the job's idempotency key is
 * {@code schedule:<name>:<fire time>}, and an instance fires a schedule in the transaction that moves its next fire
 * time on, holding its row.
 * <p>
 * Like {@link WorkflowClient}, each call joins the caller's transaction if there is one.
 */
public interface WorkflowSchedules {

	/**
	 * Creates a schedule, or changes the one of that name (which keeps its pause); its next fire time is the cron
	 * expression's next match after now.
	 * @param request the schedule
	 * @return the schedule as stored
	 * @throws IllegalArgumentException if the cron expression does not parse
	 * @throws ScheduleDeclaredException if the schedule of that name is declared with {@code @WorkflowSchedule} (a
	 * release changes it)
	 * @throws UnknownWorkflowException if the workflow is not registered in this application
	 * @throws WorkflowSerializationException if the input cannot be written as JSON, or read as the workflow's input
	 */
	Schedule save(ScheduleRequest request);

	/**
	 * Returns every schedule, by name.
	 * @return the schedules
	 */
	List<Schedule> list();

	/**
	 * Returns a schedule.
	 * @param name its name
	 * @return the schedule, or empty if there is none of that name
	 */
	Optional<Schedule> find(String name);

	/**
	 * Pauses a schedule: it starts no job until resumed (a declared one stays paused across releases).
	 * @param name its name
	 * @throws ScheduleNotFoundException if there is none of that name
	 */
	void pause(String name);

	/**
	 * Resumes a paused schedule: its next fire time is the cron expression's next match after now (the fires it
	 * skipped while paused are not missed fires).
	 * @param name its name
	 * @throws ScheduleNotFoundException if there is none of that name
	 */
	void resume(String name);

	/**
	 * Deletes a schedule saved at run time; jobs it started go on.
	 * @param name its name
	 * @throws ScheduleNotFoundException if there is none of that name
	 * @throws ScheduleDeclaredException if this application declares it with {@code @WorkflowSchedule}: pause it, or
	 * remove the annotation (a declared schedule of a workflow this application no longer has may be deleted)
	 */
	void delete(String name);

	/**
	 * Starts a job of a schedule now, paused or not, with the schedule's input: the schedule's last fire is now, and
	 * its last job this one; its next fire time stays.
	 * @param name its name
	 * @return the job's id
	 * @throws ScheduleNotFoundException if there is none of that name
	 */
	UUID trigger(String name);

}
