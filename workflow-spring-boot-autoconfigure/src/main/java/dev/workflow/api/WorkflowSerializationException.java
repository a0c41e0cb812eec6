package dev.workflow.api;

/**
 * A value could not be written as, or read from, JSON.
 */
public class WorkflowSerializationException extends WorkflowException {

	private static final long serialVersionUID = 1L;

	public WorkflowSerializationException(String message) {
		super(message);
	}

	public WorkflowSerializationException(String message, Throwable cause) {
		super(message, cause);
	}

}
