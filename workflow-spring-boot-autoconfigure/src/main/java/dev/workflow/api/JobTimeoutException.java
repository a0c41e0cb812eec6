package dev.workflow.api;

/**
 * A job did not end within the time a caller waited for it.
 */
public class JobTimeoutException extends WorkflowException {

	private static final long serialVersionUID = 1L;

	public JobTimeoutException(String message) {
		super(message);
	}

	public JobTimeoutException(String message, Throwable cause) {
		super(message, cause);
	}

}
