package dev.workflow.api;

/**
 * Thrown when a call would change or delete a schedule declared with
 * {@link dev.workflow.annotation.WorkflowSchedule @WorkflowSchedule}: a release changes those (it can be paused and
 * resumed).
 */
public class ScheduleDeclaredException extends WorkflowException {

	/**
	 * Creates the exception.
	 * @param message the detail message
	 */
	public ScheduleDeclaredException(String message) {
		super(message);
	}

}
