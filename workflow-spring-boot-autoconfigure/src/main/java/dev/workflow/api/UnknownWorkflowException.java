package dev.workflow.api;

/**
 * No workflow of that name is registered.
 */
public class UnknownWorkflowException extends WorkflowException {

	private static final long serialVersionUID = 1L;

	public UnknownWorkflowException(String message) {
		super(message);
	}

	public UnknownWorkflowException(String message, Throwable cause) {
		super(message, cause);
	}

}
