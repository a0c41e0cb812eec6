package dev.workflow.api;

/**
 * A job can be retried only when it FAILED in one of its steps; this one cannot.
 */
public class JobNotRetryableException extends WorkflowException {

	private static final long serialVersionUID = 1L;

	public JobNotRetryableException(String message) {
		super(message);
	}

}
