package dev.workflow.api;

/**
 * No job has that id.
 */
public class JobNotFoundException extends WorkflowException {

	private static final long serialVersionUID = 1L;

	public JobNotFoundException(String message) {
		super(message);
	}

	public JobNotFoundException(String message, Throwable cause) {
		super(message, cause);
	}

}
