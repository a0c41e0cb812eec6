package dev.workflow.api;

/**
 * A workflow or step definition is invalid; thrown at start-up, naming the class, method and parameter at fault.
 */
public class WorkflowDefinitionException extends WorkflowException {

	private static final long serialVersionUID = 1L;

	public WorkflowDefinitionException(String message) {
		super(message);
	}

	public WorkflowDefinitionException(String message, Throwable cause) {
		super(message, cause);
	}

}
