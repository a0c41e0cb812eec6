package dev.workflow.api;

/**
 * Thrown when a schedule of the given name does not exist.
 */
public class ScheduleNotFoundException extends WorkflowException {

	/**
	 * Creates the exception.
	 * @param message the detail message
	 */
	public ScheduleNotFoundException(String message) {
		super(message);
	}

}
