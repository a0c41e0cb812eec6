package dev.workflow.api;

/**
 * A job that has already ended (COMPLETED, FAILED, ABORTED or CANCELLED) cannot be cancelled.
 */
public class JobNotCancellableException extends WorkflowException {

	private static final long serialVersionUID = 1L;

	public JobNotCancellableException(String message) {
		super(message);
	}

}
