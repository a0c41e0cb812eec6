package dev.workflow.api;

/**
 * Base class of the exceptions the engine throws to callers.
 */
public class WorkflowException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	public WorkflowException(String message) {
		super(message);
	}

	public WorkflowException(String message, Throwable cause) {
		super(message, cause);
	}

}
