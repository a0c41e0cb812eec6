package dev.workflow.api;

/**
 * A job that has already ended (COMPLETED, FAILED, ABORTED or CANCELLED) cannot take what was asked of it, such as an
 * event.
 */
public class JobEndedException extends WorkflowException {

	private static final long serialVersionUID = 1L;

	public JobEndedException(String message) {
		super(message);
	}

}
